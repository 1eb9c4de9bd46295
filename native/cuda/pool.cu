// CUDA twin of cpu/pool.cc: MaxPool (with optional Indices) and AveragePool, 1-D and 2-D (1-D is
// 2-D with H = 1). One thread per output element (grid-stride); neighbouring threads take
// neighbouring output columns, so their loads are `stride` elements apart. Same semantics as the CPU:
// output dims come from the plan and may come from ceil_mode, so a window may run past the end
// padding: every tap is bounds-checked. Padding never wins a max and is never summed.
//   AveragePool divisor: count_include_pad = 1 counts the taps inside [-pad_begin, in + pad_end)
//   per axis; count_include_pad = 0 counts the taps inside the real input [0, in). Sums run in
//   float in row-major window order, as on the CPU.
//   MaxPool Indices (int64): flat index into the whole input, storage_order 0 (row-major)
//   ((n * C + c) * H + h) * W + w, storage_order 1 (column-major plane) (n * C + c) * H * W + w * H + h.
// MaxPool ties keep the first tap in row-major window order; a NaN anywhere in the window makes the
// output NaN (its index: the first NaN's).
// Windows with no tap inside the input (only possible with pads >= the window extent): MaxPool
// gives the lowest float and index -1, AveragePool gives 0.
#include <limits>
#include <string>
#include <vector>

#include "cpu/supports.h"
#include "cuda/cuda_util.h"

namespace srt {
namespace {


__host__ __device__ __forceinline__ int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }  // a >= 0, b > 0

// One spatial axis of the pooling geometry.
struct Axis {
  int64_t in, out;  // input and output extent
  int64_t k, s, d;  // kernel, stride, dilation
  int64_t pb, pe;   // begin and end pads
  // Taps t in [lo, hi) of the window at output o land inside [0, in) (empty when hi <= lo).
  __device__ __forceinline__ void real_taps(int64_t o, int64_t* lo, int64_t* hi) const {
    const int64_t start = o * s - pb;
    *lo = start >= 0 ? 0 : ceil_div(-start, d);
    if (in - start > 0) {
      const int64_t last = ceil_div(in - start, d);
      *hi = k < last ? k : last;
    } else {
      *hi = 0;
    }
    if (*hi < *lo) *hi = *lo;
  }
  // How many taps of the window at output o land inside [-pb, in + pe).
  __device__ __forceinline__ int64_t padded_taps(int64_t o) const {
    const int64_t start = o * s - pb;  // >= -pb
    const int64_t lim = in + pe - start;
    if (lim <= 0) return 0;
    const int64_t last = ceil_div(lim, d);
    return k < last ? k : last;
  }
};

struct Geometry {
  int64_t planes;  // N * C
  Axis h, w;
};

Geometry geometry(const KernelCall& call, const char* op) {
  const Tensor& X = *call.in[0];
  const Tensor& Y = *call.out[0];
  const int s = X.rank() - 2;
  const std::vector<int64_t> ks = call.attrs.ints("kernel_shape"), st = call.attrs.ints("strides"),
                             pd = call.attrs.ints("pads"), dl = call.attrs.ints("dilations");
  if (Y.dims[0] != X.dims[0] || Y.dims[1] != X.dims[1])
    throw Error(kErrInvalidPlan, std::string(op) + ": output batch/channel dims differ from the input's");
  for (size_t i = 1; i < call.out.size(); ++i)
    if (call.out[i]->dims != Y.dims) throw Error(kErrInvalidPlan, std::string(op) + ": Indices dims differ from the output's");
  Geometry g;
  g.planes = X.dims[0] * X.dims[1];
  if (s == 2) {
    g.h = Axis{X.dims[2], Y.dims[2], ks[0], st[0], dl[0], pd[0], pd[2]};
    g.w = Axis{X.dims[3], Y.dims[3], ks[1], st[1], dl[1], pd[1], pd[3]};
  } else {
    g.h = Axis{1, 1, 1, 1, 1, 0, 0};
    g.w = Axis{X.dims[2], Y.dims[2], ks[0], st[0], dl[0], pd[0], pd[1]};
  }
  return g;
}

// Output element i of [planes, oH, oW] as (plane, oh, ow).
__device__ __forceinline__ void split_index(int64_t i, const Geometry& g, int64_t* pl, int64_t* oh, int64_t* ow) {
  const int64_t q = i / g.w.out;
  *ow = i - q * g.w.out;
  *pl = q / g.h.out;
  *oh = q - *pl * g.h.out;
}

template <bool kWithIndex>
__global__ void maxpool_kernel(const float* __restrict__ x, float* __restrict__ y, int64_t* __restrict__ ind,
                               Geometry g, bool col_major, float nan, float lowest) {
  const int64_t H = g.h.in, W = g.w.in;
  const int64_t total = g.planes * g.h.out * g.w.out;
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total; i += int64_t(gridDim.x) * blockDim.x) {
    int64_t pl, oh, ow;
    split_index(i, g, &pl, &oh, &ow);
    int64_t hlo, hhi, wlo, whi;
    g.h.real_taps(oh, &hlo, &hhi);
    g.w.real_taps(ow, &wlo, &whi);
    if (hlo >= hhi || wlo >= whi) {  // no tap inside the input
      y[i] = lowest;
      if (kWithIndex) ind[i] = -1;
      continue;
    }
    const float* xp = x + pl * H * W;
    const int64_t h0 = oh * g.h.s - g.h.pb, w0 = ow * g.w.s - g.w.pb;
    float best = -INFINITY;
    int64_t best_pos = (h0 + hlo * g.h.d) * W + w0 + wlo * g.w.d;  // position within the plane
    bool nan_seen = false;
    int64_t nan_pos = 0;
    for (int64_t th = hlo; th < hhi; ++th) {
      const int64_t row = (h0 + th * g.h.d) * W + w0;
      for (int64_t tw = wlo; tw < whi; ++tw) {
        const int64_t pos = row + tw * g.w.d;
        const float v = xp[pos];
        if (v > best) {
          best = v;
          best_pos = pos;
        }
        if (v != v && !nan_seen) {  // the first NaN in window order
          nan_seen = true;
          nan_pos = pos;
        }
      }
    }
    if (nan_seen) {
      best = nan;
      best_pos = nan_pos;
    }
    y[i] = best;
    if (kWithIndex) {
      const int64_t ih = best_pos / W, iw = best_pos - ih * W;
      ind[i] = pl * H * W + (col_major ? iw * H + ih : best_pos);
    }
  }
}

__global__ void avgpool_kernel(const float* __restrict__ x, float* __restrict__ y, Geometry g, bool include_pad) {
  const int64_t H = g.h.in, W = g.w.in;
  const int64_t total = g.planes * g.h.out * g.w.out;
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total; i += int64_t(gridDim.x) * blockDim.x) {
    int64_t pl, oh, ow;
    split_index(i, g, &pl, &oh, &ow);
    int64_t hlo, hhi, wlo, whi;
    g.h.real_taps(oh, &hlo, &hhi);
    g.w.real_taps(ow, &wlo, &whi);
    const int64_t count = include_pad ? g.h.padded_taps(oh) * g.w.padded_taps(ow) : (hhi - hlo) * (whi - wlo);
    const float* xp = x + pl * H * W;
    const int64_t h0 = oh * g.h.s - g.h.pb, w0 = ow * g.w.s - g.w.pb;
    float sum = 0.f;
    for (int64_t th = hlo; th < hhi; ++th) {
      const int64_t row = (h0 + th * g.h.d) * W + w0;  // + tw * dw is inside the row
      for (int64_t tw = wlo; tw < whi; ++tw) sum += xp[row + tw * g.w.d];
    }
    y[i] = count > 0 ? sum / static_cast<float>(count) : 0.f;
  }
}

void run_maxpool(const KernelCall& call) {
  const Geometry g = geometry(call, "MaxPool");
  float* y = call.out[0]->ptr<float>();
  int64_t* ind = call.out.size() > 1 ? call.out[1]->ptr<int64_t>() : nullptr;
  const bool col_major = call.attrs.i("storage_order", 0) == 1;
  const int64_t total = g.planes * g.h.out * g.w.out;
  if (total == 0) return;
  const float nan = std::numeric_limits<float>::quiet_NaN(), lowest = std::numeric_limits<float>::lowest();
  cudaStream_t stream = cuda::stream_of(call);
  const float* x = call.in[0]->ptr<const float>();
  if (ind)
    SRT_LAUNCH(cuda::blocks_for(total), cuda::kThreads, 0, stream, maxpool_kernel<true>)(x, y, ind, g, col_major, nan, lowest);
  else
    SRT_LAUNCH(cuda::blocks_for(total), cuda::kThreads, 0, stream, maxpool_kernel<false>)(x, y, ind, g, col_major, nan, lowest);
  cuda::check_launch("MaxPool");
}

void run_avgpool(const KernelCall& call) {
  const Geometry g = geometry(call, "AveragePool");
  const bool include_pad = call.attrs.i("count_include_pad", 0) != 0;
  const int64_t total = g.planes * g.h.out * g.w.out;
  if (total == 0) return;
  SRT_LAUNCH(cuda::blocks_for(total), cuda::kThreads, 0, cuda::stream_of(call), avgpool_kernel)
  (call.in[0]->ptr<const float>(), call.out[0]->ptr<float>(), g, include_pad);
  cuda::check_launch("AveragePool");
}

}  // namespace

SRT_KERNEL("MaxPool", CUDA, cpu::supports_maxpool, run_maxpool);
SRT_KERNEL("AveragePool", CUDA, cpu::supports_avgpool, run_avgpool);

}  // namespace srt
