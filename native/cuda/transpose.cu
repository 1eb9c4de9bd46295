// CUDA twin of cpu/transpose.cc: Transpose with `perm` (Y.dims[d] = X.dims[perm[d]]), any element
// type, moved by size.
//
// Y is walked with X's permuted strides, axes that stay adjacent merged (cpu::simplify). Then:
//   - when Y's innermost axis is also X's innermost (stride 1), rows are contiguous on both sides
//     and the general strided copy reads and writes coalesced (widened to up to 16 bytes);
//   - otherwise X's innermost axis `a` moved elsewhere: 32x32 tiles over (a, Y's innermost axis)
//     go through shared memory, read along a (contiguous in X) and written along Y's innermost
//     axis (contiguous in Y), for every index of the remaining "batch" axes.
#include <cstdint>

#include "cpu/supports.h"
#include "cuda/strided_copy.h"

namespace srt {
namespace {

constexpr int kTile = 32;      // tile edge
constexpr int kTileRows = 8;   // thread rows of a block: each thread moves kTile / kTileRows elements

// The tiled case: Y (dense) has the tile axes a (X stride 1) and c = Y's innermost (X stride xs_c);
// the other axes of Y are the batch, with their own X and Y strides.
struct Tiled {
  int64_t A = 0, C = 0;      // sizes of the tile axes
  int64_t xs_c = 0;          // X stride of axis c (X stride of a is 1)
  int64_t ys_a = 0;          // Y stride of axis a (Y stride of c is 1)
  int64_t tiles_a = 0, tiles_c = 0, tiles = 0;
  int batch_rank = 0;
  int64_t batch_dims[cuda::kMaxRank] = {};
  int64_t batch_xs[cuda::kMaxRank] = {};
  int64_t batch_ys[cuda::kMaxRank] = {};
};

template <class T>
__global__ void transpose_tiled_kernel(const T* __restrict__ x, T* __restrict__ y, Tiled p) {
  __shared__ T tile[kTile][kTile + 1];  // +1: the column reads of the write phase hit distinct banks
  const int tx = static_cast<int>(threadIdx.x), ty = static_cast<int>(threadIdx.y);
  for (int64_t t = blockIdx.x; t < p.tiles; t += gridDim.x) {  // uniform per block: barriers are safe
    int64_t rest = t;
    const int64_t c0 = (rest % p.tiles_c) * kTile;
    rest /= p.tiles_c;
    const int64_t a0 = (rest % p.tiles_a) * kTile;
    rest /= p.tiles_a;
    int64_t xb = 0, yb = 0;
    for (int d = p.batch_rank - 1; d >= 0; --d) {
      const int64_t q = rest / p.batch_dims[d], i = rest - q * p.batch_dims[d];
      xb += i * p.batch_xs[d];
      yb += i * p.batch_ys[d];
      rest = q;
    }
    // Read: threads along a, contiguous in X.
    const int64_t a_read = a0 + tx;
    for (int j = ty; j < kTile; j += kTileRows) {
      const int64_t cc = c0 + j;
      if (a_read < p.A && cc < p.C) tile[j][tx] = x[xb + cc * p.xs_c + a_read];
    }
    __syncthreads();
    // Write: threads along c, contiguous in Y.
    const int64_t c_write = c0 + tx;
    for (int j = ty; j < kTile; j += kTileRows) {
      const int64_t aa = a0 + j;
      if (aa < p.A && c_write < p.C) y[yb + aa * p.ys_a + c_write] = tile[tx][j];
    }
    __syncthreads();  // the tile is reused by the next iteration
  }
}

std::string check_perm(const std::vector<int64_t>& perm, int rank) {
  if (static_cast<int>(perm.size()) != rank)
    return "Transpose: perm has " + std::to_string(perm.size()) + " entries for rank " + std::to_string(rank);
  std::vector<bool> seen(perm.size(), false);
  for (int64_t p : perm) {
    if (p < 0 || p >= rank || seen[p]) return "Transpose: perm is not a permutation of the axes";
    seen[p] = true;
  }
  return "";
}

// The CPU predicate, plus the rank limit of the CUDA index math.
std::string supports_transpose(const NodeSig& s) {
  return cpu::first_reason(cpu::supports_transpose(s), cuda::require_max_rank(s, "Transpose"));
}

void run_transpose(const KernelCall& c) {
  const Tensor& X = cpu::input(c, 0, "Transpose");
  Tensor& Y = cpu::output(c, 0, "Transpose");
  const std::vector<int64_t> perm = c.attrs.ints("perm");
  const std::string why = check_perm(perm, X.rank());
  if (!why.empty()) cpu::fail_plan(why);
  if (X.dtype != Y.dtype || Y.rank() != X.rank()) cpu::fail_plan("Transpose: input and output do not match");
  for (int d = 0; d < Y.rank(); ++d)
    if (Y.dims[d] != X.dims[perm[d]])
      cpu::fail_plan("Transpose: output dims " + cpu::dims_str(Y.dims) + " are not the input dims " +
                     cpu::dims_str(X.dims) + " permuted");
  if (Y.numel() == 0) return;
  const Dims xs = strides_of(X.dims);
  cpu::Walk<1> w;
  w.shape = Y.dims;
  w.strides[0].resize(Y.dims.size());
  for (size_t d = 0; d < perm.size(); ++d) w.strides[0][d] = xs[perm[d]];
  cpu::simplify(w);

  const int r = static_cast<int>(w.shape.size());
  int a = -1;  // the axis of Y that is X's innermost
  for (int d = 0; d < r; ++d)
    if (w.strides[0][d] == 1) a = d;
  if (a < 0 || a == r - 1) {  // rows contiguous on both sides (or a single element)
    cuda::strided_copy(c, "Transpose", w, X, Y);
    return;
  }

  Tiled p;
  p.A = w.shape[a];
  p.C = w.shape[r - 1];
  p.xs_c = w.strides[0][r - 1];
  const Dims ys = strides_of(w.shape);
  p.ys_a = ys[a];
  for (int d = 0; d < r - 1; ++d) {
    if (d == a) continue;
    p.batch_dims[p.batch_rank] = w.shape[d];
    p.batch_xs[p.batch_rank] = w.strides[0][d];
    p.batch_ys[p.batch_rank] = ys[d];
    ++p.batch_rank;
  }
  p.tiles_a = cpu::ceil_div(p.A, kTile);
  p.tiles_c = cpu::ceil_div(p.C, kTile);
  p.tiles = p.tiles_a * p.tiles_c * (Y.numel() / (p.A * p.C));
  const unsigned grid = static_cast<unsigned>(p.tiles < 65535 * 8 ? p.tiles : 65535 * 8);
  cpu::dispatch_size(dtype_size(X.dtype), [&](auto tag) {
    using T = decltype(tag);
    SRT_LAUNCH(grid, dim3(kTile, kTileRows), 0, cuda::stream_of(c), transpose_tiled_kernel<T>)
    (X.ptr<const T>(), Y.ptr<T>(), p);
  });
  cuda::check_launch("Transpose");
}

}  // namespace

SRT_KERNEL("Transpose", CUDA, supports_transpose, run_transpose);

}  // namespace srt
