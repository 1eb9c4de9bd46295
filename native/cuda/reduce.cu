// CUDA twin of cpu/reduce.cc: ReduceMean, ReduceSum, ReduceMax, ReduceMin over `axes` (sorted,
// non-negative, non-empty) with keepdims; float32 for all four, int32 and int64 for Sum/Max/Min.
//
// The input is first simplified on the host: size-1 dims are dropped and neighbouring dims that are
// both reduced or both kept are merged. What is left splits into a "kept" shape (the output's
// elements, in output order, with X's strides) and a "reduced" shape (the `count` elements folded
// into each output). Two kernels cover every axis set:
//   - rows:    the innermost remaining dim is reduced, so each output reads a contiguous run of X.
//              One block per output (or per segment of one), threads striding along the run,
//              combined through shared memory.
//   - columns: the innermost remaining dim is kept, so neighbouring outputs read neighbouring
//              elements. Threads along x take neighbouring outputs (coalesced loads); threads
//              along y split the reduced range and are combined through shared memory.
// When there are too few outputs to fill the GPU, the reduced range is cut into segments whose
// partial results go to scratch; a second kernel combines each output's segments in order.
// Every combination order is fixed by the shapes alone, so a replayed run gives identical bytes.
//
// As on the CPU: float sums accumulate in double, integer sums in wrapping 64-bit; NaN wins in
// Max/Min; empty reductions give 0 (Sum), NaN (Mean), -inf / the lowest value (Max), +inf / the
// highest (Min).
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

#include "cpu/supports.h"
#include "cuda/cuda_util.h"

namespace srt {
namespace {

enum class Kind { Mean, Sum, Max, Min };

constexpr int kReduceThreads = 256;  // threads per block of both kernels (a power of two)
constexpr int64_t kTargetBlocks = 1024;  // below this many blocks, split the reduced range
constexpr int64_t kMaxSegments = 1024;   // most segments per output


// ---- the reductions as functors: identity, load, combine, and the final value ------------------

// Sum and Mean: double accumulators for floats, wrapping 64-bit for integers.
template <class T>
struct SumOp {
  using Acc = std::conditional_t<std::is_floating_point_v<T>, double, uint64_t>;
  __device__ Acc identity() const { return Acc(0); }
  __device__ Acc load(T v) const { return static_cast<Acc>(v); }
  __device__ Acc combine(Acc a, Acc b) const { return a + b; }
  __device__ T finish(Acc a) const { return static_cast<T>(a); }
};

struct MeanOp {
  using Acc = double;
  int64_t count;  // elements per output; 0 gives NaN
  float nan;
  __device__ Acc identity() const { return 0.0; }
  __device__ Acc load(float v) const { return static_cast<double>(v); }
  __device__ Acc combine(Acc a, Acc b) const { return a + b; }
  __device__ float finish(Acc a) const { return count == 0 ? nan : static_cast<float>(a / static_cast<double>(count)); }
};

// Max and Min. NaN wins (as numpy): once the accumulator is NaN no comparison replaces it, and a
// NaN operand replaces the accumulator, so any combination order gives NaN.
template <class T, bool kMax>
struct PickOp {
  using Acc = T;
  T init;  // -inf / +inf for floats, the lowest / highest value for integers
  __device__ Acc identity() const { return init; }
  __device__ Acc load(T v) const { return v; }
  __device__ Acc combine(Acc acc, Acc v) const {
    if constexpr (std::is_floating_point_v<T>) {
      if (v != v) return v;
    }
    if constexpr (kMax) return v > acc ? v : acc;
    else return v < acc ? v : acc;
  }
  __device__ T finish(Acc a) const { return a; }
};

// ---- kernels -----------------------------------------------------------------------------------

// Offset of reduced element r: the common single-dim case without a division.
__device__ __forceinline__ int64_t reduced_offset(int64_t r, const cuda::Shape& red) {
  return red.rank == 1 ? r * red.strides[0] : cuda::offset_of(r, red);
}

// One block per (output, segment), grid-stride. Block: a power of two <= kReduceThreads threads
// along x. Segment `seg` of output o covers reduced elements [seg * seg_len, (seg + 1) * seg_len).
// With one segment the output is written, else its partial result.
template <class T, class Op>
__global__ void reduce_rows_kernel(const T* __restrict__ x, T* __restrict__ y, typename Op::Acc* __restrict__ partial,
                                   cuda::Shape kept, cuda::Shape red, int64_t count, int64_t ny, int64_t segs,
                                   int64_t seg_len, Op op) {
  using Acc = typename Op::Acc;
  __shared__ Acc buf[kReduceThreads];
  const unsigned t = threadIdx.x;
  for (int64_t b = blockIdx.x; b < ny * segs; b += gridDim.x) {  // uniform across the block
    const int64_t o = b / segs, seg = b - o * segs;
    const int64_t base = cuda::offset_of(o, kept);
    const int64_t lo = seg * seg_len;
    const int64_t hi = lo + seg_len < count ? lo + seg_len : count;
    Acc acc = op.identity();
    for (int64_t r = lo + t; r < hi; r += blockDim.x) acc = op.combine(acc, op.load(x[base + reduced_offset(r, red)]));
    __syncthreads();  // the previous iteration's readers of buf are done
    buf[t] = acc;
    __syncthreads();
    for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
      if (t < s) buf[t] = op.combine(buf[t], buf[t + s]);
      __syncthreads();
    }
    if (t == 0) {
      if (segs == 1) y[o] = op.finish(buf[0]);
      else partial[b] = buf[0];
    }
  }
}

// One block per (group of blockDim.x neighbouring outputs, segment), grid-stride. Block: x along
// the outputs, y (a power of two) splitting the segment's reduced elements.
template <class T, class Op>
__global__ void reduce_columns_kernel(const T* __restrict__ x, T* __restrict__ y, typename Op::Acc* __restrict__ partial,
                                      cuda::Shape kept, cuda::Shape red, int64_t count, int64_t ny, int64_t segs,
                                      int64_t seg_len, Op op) {
  using Acc = typename Op::Acc;
  __shared__ Acc buf[kReduceThreads];
  const unsigned tx = threadIdx.x, ty = threadIdx.y, kx = blockDim.x;
  const int64_t groups = (ny + kx - 1) / kx;
  for (int64_t b = blockIdx.x; b < groups * segs; b += gridDim.x) {  // uniform across the block
    const int64_t g = b / segs, seg = b - g * segs;
    const int64_t o = g * kx + tx;
    const int64_t lo = seg * seg_len;
    const int64_t hi = lo + seg_len < count ? lo + seg_len : count;
    Acc acc = op.identity();
    if (o < ny) {
      const T* px = x + cuda::offset_of(o, kept);
      for (int64_t r = lo + ty; r < hi; r += blockDim.y) acc = op.combine(acc, op.load(px[reduced_offset(r, red)]));
    }
    __syncthreads();
    buf[ty * kx + tx] = acc;
    __syncthreads();
    for (unsigned s = blockDim.y / 2; s > 0; s >>= 1) {
      if (ty < s) buf[ty * kx + tx] = op.combine(buf[ty * kx + tx], buf[(ty + s) * kx + tx]);
      __syncthreads();
    }
    if (ty == 0 && o < ny) {
      if (segs == 1) y[o] = op.finish(buf[tx]);
      else partial[o * segs + seg] = buf[tx];
    }
  }
}

// Second pass after a split: one block per output combines its `segs` partial results in order.
template <class T, class Op>
__global__ void reduce_partials_kernel(const typename Op::Acc* __restrict__ partial, T* __restrict__ y, int64_t ny,
                                       int64_t segs, Op op) {
  using Acc = typename Op::Acc;
  __shared__ Acc buf[kReduceThreads];
  const unsigned t = threadIdx.x;
  for (int64_t o = blockIdx.x; o < ny; o += gridDim.x) {
    Acc acc = op.identity();
    for (int64_t s = t; s < segs; s += blockDim.x) acc = op.combine(acc, partial[o * segs + s]);
    __syncthreads();
    buf[t] = acc;
    __syncthreads();
    for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
      if (t < s) buf[t] = op.combine(buf[t], buf[t + s]);
      __syncthreads();
    }
    if (t == 0) y[o] = op.finish(buf[0]);
  }
}

// ---- host side ---------------------------------------------------------------------------------

// The smallest power of two >= n, clamped to [lo, hi].
unsigned pow2_clamped(int64_t n, unsigned lo, unsigned hi) {
  unsigned p = lo;
  while (p < hi && p < n) p <<= 1;
  return p;
}

// X's dims split into the kept and reduced shapes (see the header comment).
struct Layout {
  cuda::Shape kept, red;
  bool inner_reduced = false;  // is X's innermost remaining dim a reduced one?
  int64_t inner_kept = 1;      // size of the innermost kept group (neighbouring outputs)
};

Layout layout_of(const Dims& dims, const std::vector<int64_t>& axes) {
  const Dims strides = strides_of(dims);
  std::vector<int64_t> size, stride;
  std::vector<bool> reduced;
  size_t j = 0;
  for (size_t d = 0; d < dims.size(); ++d) {
    const bool is_red = j < axes.size() && axes[j] == static_cast<int64_t>(d);
    if (is_red) ++j;
    if (dims[d] == 1) continue;
    if (!size.empty() && reduced.back() == is_red) {  // merge with the previous group
      size.back() *= dims[d];
      stride.back() = strides[d];
      continue;
    }
    size.push_back(dims[d]);
    stride.push_back(strides[d]);
    reduced.push_back(is_red);
  }
  Layout l;
  for (size_t g = 0; g < size.size(); ++g) {
    cuda::Shape& s = reduced[g] ? l.red : l.kept;
    if (s.rank == cuda::kMaxRank)
      throw Error(kErrUnsupported, "reductions on CUDA handle up to " + std::to_string(cuda::kMaxRank) + " dim groups");
    s.dims[s.rank] = size[g];
    s.strides[s.rank] = stride[g];
    ++s.rank;
  }
  l.inner_reduced = !reduced.empty() && reduced.back();
  if (!reduced.empty() && !reduced.back()) l.inner_kept = size.back();
  return l;
}

// How many segments to cut each output's reduced range into when a launch of `blocks` blocks (one
// segment each) would leave the GPU idle: enough to reach about kTargetBlocks blocks, while every
// segment keeps at least `min_len` elements (and at most kMaxSegments segments).
int64_t segments_for(int64_t blocks, int64_t count, int64_t min_len) {
  if (blocks >= kTargetBlocks || count <= min_len) return 1;
  int64_t segs = (kTargetBlocks + blocks - 1) / blocks;
  const int64_t by_len = (count + min_len - 1) / min_len;
  if (segs > by_len) segs = by_len;
  if (segs > kMaxSegments) segs = kMaxSegments;
  return segs < 1 ? 1 : segs;
}

template <class T, class Op>
void launch_reduce(const KernelCall& c, const char* name, const Tensor& X, Tensor& Y, const std::vector<int64_t>& axes,
                   int64_t count, Op op) {
  using Acc = typename Op::Acc;
  const int64_t ny = Y.numel();
  const Layout l = layout_of(X.dims, axes);
  cudaStream_t stream = cuda::stream_of(c);
  const T* x = X.ptr<const T>();
  T* y = Y.ptr<T>();

  int64_t segs = 1, seg_len = count;
  Acc* partial = nullptr;
  auto split = [&](int64_t blocks, int64_t min_len) {
    segs = segments_for(blocks, count, min_len);
    seg_len = (count + segs - 1) / segs;
    segs = seg_len > 0 ? (count + seg_len - 1) / seg_len : 1;  // no empty trailing segment
    if (segs > 1) partial = static_cast<Acc*>(c.ctx.scratch(static_cast<size_t>(ny * segs) * sizeof(Acc)));
  };

  if (l.inner_reduced) {
    const unsigned threads = pow2_clamped((count + 3) / 4, 32, kReduceThreads);  // >= 4 elements a thread
    split(ny, int64_t(threads) * 16);
    SRT_LAUNCH(cuda::blocks_for(ny * segs, 1), threads, 0, stream, reduce_rows_kernel<T, Op>)
    (x, y, partial, l.kept, l.red, count, ny, segs, seg_len, op);
  } else {
    const unsigned kx = pow2_clamped(l.inner_kept, 1, 32);
    unsigned ky = 1;
    while (kx * ky * 2 <= static_cast<unsigned>(kReduceThreads) && ky * 2 <= count) ky <<= 1;
    const int64_t groups = (ny + kx - 1) / kx;
    split(groups, int64_t(ky) * 16);
    SRT_LAUNCH(cuda::blocks_for(groups * segs, 1), dim3(kx, ky), 0, stream, reduce_columns_kernel<T, Op>)
    (x, y, partial, l.kept, l.red, count, ny, segs, seg_len, op);
  }
  cuda::check_launch(name);
  if (segs > 1) {
    const unsigned threads = pow2_clamped(segs, 32, kReduceThreads);
    SRT_LAUNCH(cuda::blocks_for(ny, 1), threads, 0, stream, reduce_partials_kernel<T, Op>)(partial, y, ny, segs, op);
    cuda::check_launch(name);
  }
}

template <class T, Kind K>
void reduce(const KernelCall& c, const char* name, const Tensor& X, Tensor& Y, const std::vector<int64_t>& axes) {
  int64_t count = 1;
  for (int64_t a : axes) count *= X.dims[a];
  if (Y.numel() == 0) return;
  if constexpr (K == Kind::Max || K == Kind::Min) {
    constexpr bool is_max = K == Kind::Max;
    T init;
    if constexpr (std::is_floating_point_v<T>)
      init = is_max ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::infinity();
    else
      init = is_max ? std::numeric_limits<T>::lowest() : std::numeric_limits<T>::max();
    launch_reduce<T>(c, name, X, Y, axes, count, PickOp<T, is_max>{init});
  } else if constexpr (K == Kind::Mean) {
    launch_reduce<T>(c, name, X, Y, axes, count, MeanOp{count, std::numeric_limits<float>::quiet_NaN()});
  } else {
    launch_reduce<T>(c, name, X, Y, axes, count, SumOp<T>{});
  }
}

template <Kind K>
void run_reduce(const KernelCall& c, const char* name) {
  const Tensor& X = cpu::input(c, 0, name);
  Tensor& Y = cpu::output(c, 0, name);
  const std::vector<int64_t> axes = c.attrs.ints("axes");
  const bool keepdims = c.attrs.i("keepdims", 1) != 0;
  Dims expect;
  size_t j = 0;
  for (size_t d = 0; d < X.dims.size(); ++d) {
    const bool reduced = j < axes.size() && axes[j] == static_cast<int64_t>(d);
    if (reduced) ++j;
    if (!reduced) expect.push_back(X.dims[d]);
    else if (keepdims) expect.push_back(1);
  }
  if (j != axes.size() || Y.dims != expect)
    cpu::fail_plan(std::string(name) + ": output dims " + cpu::dims_str(Y.dims) + " do not match input dims " +
                   cpu::dims_str(X.dims) + " reduced over the axes");
  if (X.dtype != Y.dtype) cpu::fail_plan(std::string(name) + ": input and output types differ");
  switch (X.dtype) {
    case DType::F32: reduce<float, K>(c, name, X, Y, axes); return;
    case DType::I32:
      if constexpr (K != Kind::Mean) { reduce<int32_t, K>(c, name, X, Y, axes); return; }
      break;
    case DType::I64:
      if constexpr (K != Kind::Mean) { reduce<int64_t, K>(c, name, X, Y, axes); return; }
      break;
    default: break;
  }
  cpu::fail_plan(std::string(name) + ": unsupported type " + dtype_name(X.dtype));
}

void run_mean(const KernelCall& c) { run_reduce<Kind::Mean>(c, "ReduceMean"); }
void run_sum(const KernelCall& c) { run_reduce<Kind::Sum>(c, "ReduceSum"); }
void run_max(const KernelCall& c) { run_reduce<Kind::Max>(c, "ReduceMax"); }
void run_min(const KernelCall& c) { run_reduce<Kind::Min>(c, "ReduceMin"); }

}  // namespace

SRT_KERNEL("ReduceMean", CUDA, cpu::supports_reduce, run_mean);
SRT_KERNEL("ReduceSum", CUDA, cpu::supports_reduce, run_sum);
SRT_KERNEL("ReduceMax", CUDA, cpu::supports_reduce, run_max);
SRT_KERNEL("ReduceMin", CUDA, cpu::supports_reduce, run_min);

}  // namespace srt
