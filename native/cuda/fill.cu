// CUDA twin of cpu/fill.cc: Range (Y[i] = start + i * delta, Y's one dim from the plan) and
// ConstantOfShape (Y filled with `value`), with the numbers converted to the element type exactly
// as on the CPU. The value is converted on the host and passed to the kernels by value.
#include <cstdint>

#include "cuda/cuda_util.h"

namespace srt {
namespace {

// float32 Range: each element from its index (as the ONNX definition), computed in double and
// rounded once, as the CPU does.
__global__ void range_f32_kernel(float* __restrict__ y, int64_t n, double start, double delta) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
    y[i] = static_cast<float>(start + static_cast<double>(i) * delta);
}

// Integer Range: start + i * delta in wrapping (unsigned 64-bit) arithmetic, the same values as the
// CPU's wrapping running sum, then truncated to T (two's complement) for int32.
template <class T>
__global__ void range_int_kernel(T* __restrict__ y, int64_t n, int64_t start, int64_t delta) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    const uint64_t v = static_cast<uint64_t>(start) + static_cast<uint64_t>(i) * static_cast<uint64_t>(delta);
    y[i] = static_cast<T>(static_cast<int64_t>(v));
  }
}

template <class T>
__global__ void fill_kernel(T* __restrict__ y, int64_t n, T v) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
    y[i] = v;
}

std::string supports_range(const NodeSig& s) {
  std::string r = cpu::first_reason(cpu::require_arity(s, 0, 0, 1, 1, 0),
                                    require_types(s, {DType::F32, DType::I32, DType::I64}));
  if (!r.empty()) return r;
  if (s.out_ranks[0] != 1) return "Range: the output must have rank 1";
  return "";
}

void run_range(const KernelCall& c) {
  Tensor& Y = cpu::output(c, 0, "Range");
  if (Y.rank() != 1) cpu::fail_plan("Range: the output must have rank 1");
  const int64_t n = Y.dims[0];
  if (n <= 0) return;
  const unsigned blocks = cuda::blocks_for(n);
  cudaStream_t stream = cuda::stream_of(c);
  switch (Y.dtype) {
    case DType::F32: {
      const double start = c.attrs.f("start", 0), delta = c.attrs.f("delta", 1);
      SRT_LAUNCH(blocks, cuda::kThreads, 0, stream, range_f32_kernel)(Y.ptr<float>(), n, start, delta);
      break;
    }
    case DType::I32:
    case DType::I64: {
      // Exact integer attributes so that large int64 values stay exact.
      const int64_t start = c.attrs.exact_i("start", 0), delta = c.attrs.exact_i("delta", 1);
      if (Y.dtype == DType::I32) {
        SRT_LAUNCH(blocks, cuda::kThreads, 0, stream, range_int_kernel<int32_t>)(Y.ptr<int32_t>(), n, start, delta);
      } else {
        SRT_LAUNCH(blocks, cuda::kThreads, 0, stream, range_int_kernel<int64_t>)(Y.ptr<int64_t>(), n, start, delta);
      }
      break;
    }
    default: cpu::fail_plan(std::string("Range: unsupported type ") + dtype_name(Y.dtype));
  }
  cuda::check_launch("Range");
}

std::string supports_constant_of_shape(const NodeSig& s) {
  return cpu::first_reason(cpu::require_arity(s, 0, 0, 1, 1, 0),
                           require_types(s, {DType::F32, DType::I32, DType::I64, DType::Bool}));
}

template <class T>
void fill(const KernelCall& c, Tensor& Y, T v) {
  const int64_t n = Y.numel();
  if (n == 0) return;
  SRT_LAUNCH(cuda::blocks_for(n), cuda::kThreads, 0, cuda::stream_of(c), fill_kernel<T>)(Y.ptr<T>(), n, v);
  cuda::check_launch("ConstantOfShape");
}

void run_constant_of_shape(const KernelCall& c) {
  Tensor& Y = cpu::output(c, 0, "ConstantOfShape");
  const double v = c.attrs.f("value", 0);
  switch (Y.dtype) {
    case DType::F32: fill<float>(c, Y, static_cast<float>(v)); break;
    case DType::I32: fill<int32_t>(c, Y, cpu::saturate_cast<int32_t>(v)); break;
    case DType::I64: fill<int64_t>(c, Y, c.attrs.exact_i("value", 0)); break;
    case DType::Bool: fill<uint8_t>(c, Y, v != 0 ? 1 : 0); break;
    default: cpu::fail_plan(std::string("ConstantOfShape: unsupported type ") + dtype_name(Y.dtype));
  }
}

}  // namespace

SRT_KERNEL("Range", CUDA, supports_range, run_range);
SRT_KERNEL("ConstantOfShape", CUDA, supports_constant_of_shape, run_constant_of_shape);

}  // namespace srt
