// apply_activation (cpu/activation.h): the fused activation of Gemm and Conv, on the output while
// it is still in cache, with the vectorised math of the standalone operators (cpu/vec_math.h).
#include "cpu/activation.h"

#include "cpu/vec_math.h"

namespace srt {

void apply_activation_span(const Activation& a, float* y, int64_t n) {
  switch (a.kind) {
    case Activation::None: return;
    case Activation::Relu:
      for (int64_t i = 0; i < n; ++i) y[i] = y[i] < 0 ? 0.0f : y[i];  // keeps NaN, as Relu does
      return;
    case Activation::LeakyRelu:
      for (int64_t i = 0; i < n; ++i) y[i] = y[i] >= 0 ? y[i] : a.alpha * y[i];
      return;
    case Activation::Tanh: vm::vtanh(y, y, n); return;
    case Activation::Sigmoid: vm::vsigmoid(y, y, n); return;
  }
}

void apply_activation(const Activation& a, float* y, int64_t n, ExecContext& ctx) {
  if (a.kind == Activation::None || n <= 0) return;
  constexpr int64_t kChunk = 16384;
  const int64_t chunks = (n + kChunk - 1) / kChunk;
  const int64_t cost = a.kind == Activation::Relu || a.kind == Activation::LeakyRelu ? n : 8 * n;
  ctx.parallel_for(
      chunks,
      [&](int64_t c0, int64_t c1) {
        const int64_t i0 = c0 * kChunk, i1 = c1 * kChunk < n ? c1 * kChunk : n;
        apply_activation_span(a, y + i0, i1 - i0);
      },
      cost);
}

}  // namespace srt
