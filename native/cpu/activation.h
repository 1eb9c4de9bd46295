// The activation a fusion pass (src/graph/fuse.ts) folds into a Gemm or Conv node: attribute
// `activation` ("Relu", "Tanh", "Sigmoid" or "LeakyRelu", absent: none) and, for LeakyRelu,
// `activation_alpha`. The predicate and parsing are shared by the CPU and CUDA kernels; each
// backend applies it to the node's output right after the product (apply_activation here,
// cuda/activation.h on the GPU), with the same semantics as the standalone operator.
#pragma once
#include <cstdint>
#include <string>

#include "core/kernel.h"

namespace srt {

struct Activation {
  enum Kind { None, Relu, Tanh, Sigmoid, LeakyRelu };
  Kind kind = None;
  float alpha = 0.01f;  // LeakyRelu's slope
};

inline Activation activation_of(const Attrs& attrs) {
  Activation a;
  if (!attrs.has("activation")) return a;
  const std::string k = attrs.s("activation", "");
  if (k == "Relu") a.kind = Activation::Relu;
  if (k == "Tanh") a.kind = Activation::Tanh;
  if (k == "Sigmoid") a.kind = Activation::Sigmoid;
  if (k == "LeakyRelu") a.kind = Activation::LeakyRelu;
  a.alpha = static_cast<float>(attrs.f("activation_alpha", 0.01));
  return a;
}

// "" when the node has no fused activation or one the kernels apply.
inline std::string activation_reason(const NodeSig& s) {
  if (!s.attrs.has("activation")) return "";
  const std::string k = s.attrs.s("activation", "");
  if (k == "Relu" || k == "Tanh" || k == "Sigmoid" || k == "LeakyRelu") return "";
  return s.op + ": unsupported fused activation \"" + k + "\"";
}

// y[i] = act(y[i]) for i < n, split over the engine's threads when large (CPU).
void apply_activation(const Activation& a, float* y, int64_t n, ExecContext& ctx);
// The same on the calling thread (for a tile of output still in cache).
void apply_activation_span(const Activation& a, float* y, int64_t n);

}  // namespace srt
