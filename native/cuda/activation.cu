// CUDA twin of cpu/activation.cc: y = act(y) in place (cuda/activation.h).
#include "cuda/activation.h"

#include "cuda/cuda_util.h"

namespace srt {
namespace cuda {
namespace {

__global__ void activation_kernel(float* __restrict__ y, int64_t n, int kind, float alpha) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    const float x = y[i];
    float v = x;
    switch (kind) {
      case Activation::Relu: v = x < 0 ? 0.0f : x; break;  // keeps NaN, as Relu does
      case Activation::LeakyRelu: v = x >= 0 ? x : alpha * x; break;
      case Activation::Tanh: v = tanhf(x); break;
      case Activation::Sigmoid:  // exp of a non-positive argument only
        if (x >= 0) {
          v = 1.0f / (1.0f + expf(-x));
        } else {
          const float e = expf(x);
          v = e / (1.0f + e);
        }
        break;
      default: break;
    }
    y[i] = v;
  }
}

}  // namespace

void apply_activation(const Activation& a, float* y, int64_t n, cudaStream_t stream) {
  if (a.kind == Activation::None || n <= 0) return;
  SRT_LAUNCH(blocks_for(n), kThreads, 0, stream, activation_kernel)(y, n, static_cast<int>(a.kind), a.alpha);
  check_launch("activation");
}

}  // namespace cuda
}  // namespace srt
