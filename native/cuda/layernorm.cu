// CUDA twin of cpu/layernorm.cc: LayerNormalization (float32). For every row of X seen as
// [outer, n] with n = prod(dims[axis:]),
//   y = (x - mean) / sqrt(var + epsilon) * Scale + B
// with mean and (biased) variance computed in double, two-pass, as on the CPU. One block per row:
// each pass sums its strided elements per thread, then across the block through shared memory.
// Scale and the optional B are broadcast (numpy-style) to dims[axis:] (read directly when they
// already have n elements, through broadcast strides otherwise); leading size-1 dims beyond that
// rank are allowed. The optional outputs Mean and InvStdDev (one value per row) are written when
// present; rows without elements give NaN there.
#include <cstdint>
#include <limits>

#include "cpu/broadcast.h"
#include "cpu/supports.h"
#include "cuda/cuda_util.h"

namespace srt {
namespace {


// Scale or B over the normalised dims: element i of the row reads p[i] when dense, else
// p[offset_of(i, shape)] (broadcast strides). p is nullptr for an absent B.
struct Vec {
  const float* p = nullptr;
  bool dense = true;
  cuda::Shape shape;
  __device__ __forceinline__ float at(int64_t i) const { return p[dense ? i : cuda::offset_of(i, shape)]; }
};

// Checks that Scale or B broadcasts to the normalised dims and says how to read it.
Vec vec_of(const Tensor& t, const Dims& norm_dims, const char* what) {
  Dims d = t.dims;
  while (d.size() > norm_dims.size() && d.front() == 1) d.erase(d.begin());
  if (d.size() > norm_dims.size())
    cpu::fail_plan(std::string("LayerNormalization: ") + what + " dims " + cpu::dims_str(t.dims) +
                   " do not broadcast to the normalised dims " + cpu::dims_str(norm_dims));
  cpu::broadcast_walk<1>("LayerNormalization", norm_dims, {&d});  // throws when it does not broadcast
  Vec v;
  v.p = t.ptr<const float>();
  // Equal counts: broadcasting can only add size-1 dims, so the layout is the same.
  v.dense = t.numel() == numel(norm_dims);
  if (!v.dense) v.shape = cuda::broadcast_strides(d, norm_dims);
  return v;
}

// Block-wide sum of one double per thread (blockDim.x a power of two <= 1024); every thread must
// call it and gets the result.
__device__ __forceinline__ double block_sum_double(double v) {
  __shared__ double partial[1024];
  const unsigned t = threadIdx.x;
  __syncthreads();  // earlier users of `partial` are done
  partial[t] = v;
  __syncthreads();
  for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
    if (t < s) partial[t] += partial[t + s];
    __syncthreads();
  }
  return partial[0];
}

// One block per row (grid-stride over rows).
__global__ void layernorm_kernel(const float* __restrict__ x, float* __restrict__ y, Vec scale, Vec bias,
                                 float* __restrict__ mean_out, float* __restrict__ inv_out, int64_t rows, int64_t n,
                                 double eps) {
  for (int64_t row = blockIdx.x; row < rows; row += gridDim.x) {  // uniform across the block
    const float* px = x + row * n;
    float* py = y + row * n;
    double sum = 0;
    for (int64_t i = threadIdx.x; i < n; i += blockDim.x) sum += px[i];
    const double mean = block_sum_double(sum) / static_cast<double>(n);
    double sq = 0;
    for (int64_t i = threadIdx.x; i < n; i += blockDim.x) {
      const double d = px[i] - mean;
      sq += d * d;
    }
    const double inv_std = 1.0 / sqrt(block_sum_double(sq) / static_cast<double>(n) + eps);
    const float m = static_cast<float>(mean), is = static_cast<float>(inv_std);
    if (bias.p) {
      for (int64_t i = threadIdx.x; i < n; i += blockDim.x) py[i] = (px[i] - m) * is * scale.at(i) + bias.at(i);
    } else {
      for (int64_t i = threadIdx.x; i < n; i += blockDim.x) py[i] = (px[i] - m) * is * scale.at(i);
    }
    if (threadIdx.x == 0) {
      if (mean_out) mean_out[row] = m;
      if (inv_out) inv_out[row] = is;
    }
  }
}

// Rows without elements: mean 0/0 and 1/sqrt(NaN + eps) are NaN, as the formula gives.
__global__ void fill_kernel(float* __restrict__ p, int64_t n, float v) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) p[i] = v;
}

void run_layernorm(const KernelCall& c) {
  const char* name = "LayerNormalization";
  const Tensor& X = cpu::input(c, 0, name);
  const Tensor& S = cpu::input(c, 1, name);
  const Tensor* B = c.in.size() > 2 ? c.in[2] : nullptr;
  Tensor& Y = cpu::output(c, 0, name);
  if (X.dtype != DType::F32 || S.dtype != DType::F32 || Y.dtype != DType::F32 || (B && B->dtype != DType::F32))
    cpu::fail_plan("LayerNormalization: unsupported types");
  if (X.dims != Y.dims) cpu::fail_plan("LayerNormalization: input and output dims differ");
  const int64_t axis = c.attrs.i("axis", -1);
  if (axis < 0 || axis >= X.rank()) cpu::fail_plan("LayerNormalization: axis out of range");
  const double eps = c.attrs.f("epsilon", 1e-5);

  const Dims norm_dims(X.dims.begin() + axis, X.dims.end());
  const int64_t n = numel(norm_dims);
  const int64_t outer = cpu::dims_product(X.dims, 0, axis);

  // Optional statistics outputs: one value per row.
  Tensor* mean_out = c.out.size() > 1 ? c.out[1] : nullptr;
  Tensor* inv_out = c.out.size() > 2 ? c.out[2] : nullptr;
  for (Tensor* t : {mean_out, inv_out})
    if (t && (t->dtype != DType::F32 || t->numel() != outer))
      cpu::fail_plan("LayerNormalization: the Mean/InvStdDev outputs need one float32 per normalised row");

  const Vec scale = vec_of(S, norm_dims, "Scale");
  const Vec bias = B ? vec_of(*B, norm_dims, "B") : Vec{};
  cudaStream_t stream = cuda::stream_of(c);
  if (X.numel() == 0) {
    for (Tensor* t : {mean_out, inv_out})
      if (t && outer > 0) {
        SRT_LAUNCH(cuda::blocks_for(outer), cuda::kThreads, 0, stream, fill_kernel)
        (t->ptr<float>(), outer, std::numeric_limits<float>::quiet_NaN());
        cuda::check_launch(name);
      }
    return;
  }

  unsigned threads = 32;  // a power of two, about 4 elements a thread
  while (threads < 1024 && threads * 4 < n) threads <<= 1;
  SRT_LAUNCH(cuda::blocks_for(outer, 1), threads, 0, stream, layernorm_kernel)
  (X.ptr<const float>(), Y.ptr<float>(), scale, bias, mean_out ? mean_out->ptr<float>() : nullptr,
   inv_out ? inv_out->ptr<float>() : nullptr, outer, n, eps);
  cuda::check_launch(name);
}

}  // namespace

SRT_KERNEL("LayerNormalization", CUDA, cpu::supports_layernorm, run_layernorm);

}  // namespace srt
