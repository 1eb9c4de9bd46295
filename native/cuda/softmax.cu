// CUDA twin of cpu/softmax.cc: Softmax and LogSoftmax over one axis (float32), max-subtracted:
//   Softmax:    y = exp(x - max) / sum(exp(x - max))
//   LogSoftmax: y = (x - max) - log(sum(exp(x - max)))
// The tensor is seen as [outer, n, inner] around the axis.
//   inner == 1 and long rows: one block per row. Each thread keeps a running max and a sum of
//     exp(x - running max) over its strided elements (one read of the row); cuda::block_max gives
//     the row max, each thread rescales its sum to it, cuda::block_sum adds them; a second pass
//     writes y.
//   otherwise: one thread per column (o, j), threads along j so that every step k reads
//     neighbouring elements (coalesced); the same running max / sum (in double, as the CPU) in one
//     pass, then a second pass writes y. Rows of inner == 1 shorter than kShortRow take this path
//     too, one thread per row.
// As on the CPU, a row with a NaN or an infinite max (all -inf, or any +inf) gives NaN throughout.
#include <cstdint>
#include <limits>

#include "cpu/supports.h"
#include "cuda/cuda_util.h"

namespace srt {
namespace {

constexpr int64_t kShortRow = 32;  // rows of inner == 1 up to this length: one thread per row


// Running max m and sum s of exp(v - m) over the values seen so far, updated with v. A max of
// -inf (nothing finite yet) keeps s at 0 instead of exp(-inf - -inf) = NaN; a NaN v makes both NaN.
template <class S>
__device__ __forceinline__ void online_update(float v, float& m, S& s) {
  if (v > m) {
    s = s * static_cast<S>(expf(m - v)) + S(1);
    m = v;
  } else if (v == m) {
    s += (v == -INFINITY) ? S(0) : S(1);  // exp(0), unless both are -inf
  } else if (v < m) {
    s += static_cast<S>(expf(v - m));
  } else {  // v is NaN (or m is): the result is NaN
    m = v != v ? v : m;
    s = static_cast<S>(m);
  }
}

// One block per row (grid-stride over rows), blockDim.x a power of two.
template <bool Log>
__global__ void softmax_rows_kernel(const float* __restrict__ x, float* __restrict__ y, int64_t rows, int64_t n) {
  for (int64_t row = blockIdx.x; row < rows; row += gridDim.x) {  // uniform across the block
    const float* px = x + row * n;
    float* py = y + row * n;
    float m = -INFINITY, s = 0.0f;
    for (int64_t k = threadIdx.x; k < n; k += blockDim.x) online_update(px[k], m, s);
    const float row_max = cuda::block_max(m);
    // This thread's sum relative to the row max (0 when it saw nothing above -inf).
    const float scaled = s == 0.0f ? 0.0f : s * expf(m - row_max);
    float sum = cuda::block_sum(scaled);
    if (fabsf(row_max) == INFINITY) sum = row_max - row_max;  // as exp(inf - inf) on the CPU: NaN
    if (Log) {
      const float ls = logf(sum);
      for (int64_t k = threadIdx.x; k < n; k += blockDim.x) py[k] = (px[k] - row_max) - ls;
    } else {
      const float inv = 1.0f / sum;
      for (int64_t k = threadIdx.x; k < n; k += blockDim.x) py[k] = expf(px[k] - row_max) * inv;
    }
  }
}

// One thread per column (o, j) of [outer, n, inner], grid-stride.
template <bool Log>
__global__ void softmax_columns_kernel(const float* __restrict__ x, float* __restrict__ y, int64_t outer, int64_t n,
                                       int64_t inner) {
  const int64_t cols = outer * inner;
  for (int64_t c = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; c < cols; c += int64_t(gridDim.x) * blockDim.x) {
    const int64_t o = c / inner, j = c - o * inner;
    const float* px = x + o * n * inner + j;
    float* py = y + o * n * inner + j;
    float m = -INFINITY;
    double s = 0.0;
    for (int64_t k = 0; k < n; ++k) online_update(px[k * inner], m, s);
    if (fabsf(m) == INFINITY) s = static_cast<double>(m - m);  // as exp(inf - inf) on the CPU: NaN
    if (Log) {
      const float ls = static_cast<float>(log(s));
      for (int64_t k = 0; k < n; ++k) py[k * inner] = (px[k * inner] - m) - ls;
    } else {
      const float inv = static_cast<float>(1.0 / s);
      for (int64_t k = 0; k < n; ++k) py[k * inner] = expf(px[k * inner] - m) * inv;
    }
  }
}

template <bool Log>
void softmax(const KernelCall& c, const char* name) {
  const Tensor& X = cpu::input(c, 0, name);
  Tensor& Y = cpu::output(c, 0, name);
  if (X.dtype != DType::F32 || Y.dtype != DType::F32) cpu::fail_plan(std::string(name) + ": unsupported types");
  if (X.dims != Y.dims) cpu::fail_plan(std::string(name) + ": input and output dims differ");
  const int64_t axis = c.attrs.i("axis", -1);
  if (axis < 0 || axis >= X.rank()) cpu::fail_plan(std::string(name) + ": axis out of range");
  if (X.numel() == 0) return;
  const int64_t outer = cpu::dims_product(X.dims, 0, axis), inner = cpu::dims_product(X.dims, axis + 1, X.rank());
  const int64_t n = X.dims[axis];
  cudaStream_t stream = cuda::stream_of(c);

  if (inner == 1 && n > kShortRow) {
    unsigned threads = 32;  // a power of two, about 8 elements a thread
    while (threads < 1024 && threads * 8 < n) threads <<= 1;
    SRT_LAUNCH(cuda::blocks_for(outer, 1), threads, 0, stream, softmax_rows_kernel<Log>)
    (X.ptr<const float>(), Y.ptr<float>(), outer, n);
  } else {
    SRT_LAUNCH(cuda::blocks_for(outer * inner), cuda::kThreads, 0, stream, softmax_columns_kernel<Log>)
    (X.ptr<const float>(), Y.ptr<float>(), outer, n, inner);
  }
  cuda::check_launch(name);
}

void run_softmax(const KernelCall& c) { softmax<false>(c, "Softmax"); }
void run_log_softmax(const KernelCall& c) { softmax<true>(c, "LogSoftmax"); }

}  // namespace

SRT_KERNEL("Softmax", CUDA, cpu::supports_softmax, run_softmax);
SRT_KERNEL("LogSoftmax", CUDA, cpu::supports_softmax, run_log_softmax);

}  // namespace srt
