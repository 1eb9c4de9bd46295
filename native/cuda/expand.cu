// CUDA twin of cpu/expand.cc: Expand (numpy broadcast of X to Y's dims) and Tile (Y[i] = X[i mod
// dim] per axis; Y's dims are multiples of X's), any element type, moved by size.
//
// Expand is the strided copy of the broadcast walk (stride 0 on the broadcast axes; axes merged).
// Tile maps each coordinate of Y to its coordinate mod X's dim. An axis followed by an axis that is
// not repeated merges with it: over the pair, Y's linear index mod the pair's X size is X's linear
// index. So Tile's axes become (Y size, X size) pairs, every one but the first repeated.
#include <cstdint>

#include "cuda/strided_copy.h"

namespace srt {
namespace {

// ---- Expand ------------------------------------------------------------------------------------

std::string supports_expand(const NodeSig& s) {
  std::string r = cpu::require_unary_any_type(s);
  if (!r.empty()) return r;
  if (s.in_ranks[0] > s.out_ranks[0]) return "Expand: input rank exceeds the output rank";
  if (s.out_ranks[0] > cuda::kMaxRank)
    return "Expand: the CUDA kernel handles up to " + std::to_string(cuda::kMaxRank) + " dims";
  return "";
}

void run_expand(const KernelCall& c) {
  const Tensor& X = cpu::input(c, 0, "Expand");
  Tensor& Y = cpu::output(c, 0, "Expand");
  if (X.dtype != Y.dtype) cpu::fail_plan("Expand: input and output types differ");
  if (Y.numel() == 0) return;
  cuda::strided_copy(c, "Expand", cpu::broadcast_walk<1>("Expand", Y.dims, {&X.dims}), X, Y);
}

// ---- Tile --------------------------------------------------------------------------------------

// Merged axes of a Tile: Y coordinate c on axis d reads X coordinate c mod xdims[d].
struct TileAxes {
  int rank = 0;
  int64_t ydims[cuda::kMaxRank] = {};
  int64_t xdims[cuda::kMaxRank] = {};
  int64_t xstrides[cuda::kMaxRank] = {};
};

template <class T, class I>
__global__ void tile_kernel(const T* __restrict__ x, T* __restrict__ y, I n, TileAxes t) {
  for (I i = blockIdx.x * I(blockDim.x) + threadIdx.x; i < n; i += I(gridDim.x) * blockDim.x) {
    I rest = i;
    int64_t off = 0;
    for (int d = t.rank - 1; d >= 0; --d) {
      const I ydim = static_cast<I>(t.ydims[d]), xdim = static_cast<I>(t.xdims[d]);
      const I q = rest / ydim;
      I coord = rest - q * ydim;
      if (xdim != ydim) coord %= xdim;
      off += static_cast<int64_t>(coord) * t.xstrides[d];
      rest = q;
    }
    y[i] = x[off];
  }
}

std::string supports_tile(const NodeSig& s) {
  std::string r = cpu::require_unary_any_type(s);
  if (!r.empty()) return r;
  if (s.in_ranks[0] != s.out_ranks[0]) return "Tile: input and output ranks differ";
  if (s.in_ranks[0] > cuda::kMaxRank)
    return "Tile: the CUDA kernel handles up to " + std::to_string(cuda::kMaxRank) + " dims";
  return "";
}

void run_tile(const KernelCall& c) {
  const Tensor& X = cpu::input(c, 0, "Tile");
  Tensor& Y = cpu::output(c, 0, "Tile");
  const int r = X.rank();
  bool ok = X.dtype == Y.dtype && Y.rank() == r;
  for (int d = 0; ok && d < r; ++d)
    ok = X.dims[d] == 0 ? Y.dims[d] == 0 : Y.dims[d] % X.dims[d] == 0;
  if (!ok)
    cpu::fail_plan("Tile: output dims " + cpu::dims_str(Y.dims) + " are not multiples of the input dims " +
                   cpu::dims_str(X.dims));
  const int64_t n = Y.numel();
  if (n == 0) return;
  if (r > cuda::kMaxRank) throw Error(kErrUnsupported, "Tile: the CUDA kernel handles up to 8 dims");
  // Merge (outer to inner): size-1 axes drop out; an axis that is not repeated joins the one before.
  TileAxes t;
  for (int d = 0; d < r; ++d) {
    if (Y.dims[d] == 1) continue;
    if (t.rank > 0 && X.dims[d] == Y.dims[d]) {
      t.ydims[t.rank - 1] *= Y.dims[d];
      t.xdims[t.rank - 1] *= X.dims[d];
      continue;
    }
    t.ydims[t.rank] = Y.dims[d];
    t.xdims[t.rank] = X.dims[d];
    ++t.rank;
  }
  int64_t stride = 1;  // X is dense over the merged X sizes
  for (int d = t.rank - 1; d >= 0; --d) {
    t.xstrides[d] = stride;
    stride *= t.xdims[d];
  }
  cpu::dispatch_size(dtype_size(X.dtype), [&](auto tag) {
    using T = decltype(tag);
    cuda::dispatch_index(n, [&](auto index_tag) {
      using I = decltype(index_tag);
      SRT_LAUNCH(cuda::blocks_for(n), cuda::kThreads, 0, cuda::stream_of(c), tile_kernel<T, I>)
      (X.ptr<const T>(), Y.ptr<T>(), static_cast<I>(n), t);
    });
  });
  cuda::check_launch("Tile");
}

}  // namespace

SRT_KERNEL("Expand", CUDA, supports_expand, run_expand);
SRT_KERNEL("Tile", CUDA, supports_tile, run_tile);

}  // namespace srt
