// Range (Y[i] = start + i * delta, Y's one dim from the plan) and ConstantOfShape (Y filled with
// `value`), with the numbers converted to the element type.
#include <cstdint>

#include "cpu/kernel_util.h"

namespace srt {
namespace {

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
  const double start = c.attrs.f("start", 0), delta = c.attrs.f("delta", 1);
  const int64_t n = Y.dims[0];
  switch (Y.dtype) {
    case DType::F32: {
      // Each element from its index (as the ONNX definition), computed in double and rounded once.
      float* y = Y.ptr<float>();
      for (int64_t i = 0; i < n; ++i) y[i] = static_cast<float>(start + static_cast<double>(i) * delta);
      break;
    }
    case DType::I32:
    case DType::I64: {
      // Integer arithmetic (wrapping) so that large int64 values stay exact.
      const int64_t s0 = c.attrs.exact_i("start", 0), d = c.attrs.exact_i("delta", 1);
      int64_t v = s0;
      if (Y.dtype == DType::I32) {
        int32_t* y = Y.ptr<int32_t>();
        for (int64_t i = 0; i < n; ++i, v = cpu::wrap_add(v, d)) y[i] = static_cast<int32_t>(v);
      } else {
        int64_t* y = Y.ptr<int64_t>();
        for (int64_t i = 0; i < n; ++i, v = cpu::wrap_add(v, d)) y[i] = v;
      }
      break;
    }
    default: cpu::fail_plan(std::string("Range: unsupported type ") + dtype_name(Y.dtype));
  }
}

std::string supports_constant_of_shape(const NodeSig& s) {
  return cpu::first_reason(cpu::require_arity(s, 0, 0, 1, 1, 0),
                           require_types(s, {DType::F32, DType::I32, DType::I64, DType::Bool}));
}

template <class T>
void fill(Tensor& Y, T v) {
  T* y = Y.ptr<T>();
  const int64_t n = Y.numel();
  for (int64_t i = 0; i < n; ++i) y[i] = v;
}

void run_constant_of_shape(const KernelCall& c) {
  Tensor& Y = cpu::output(c, 0, "ConstantOfShape");
  const double v = c.attrs.f("value", 0);
  switch (Y.dtype) {
    case DType::F32: fill<float>(Y, static_cast<float>(v)); break;
    case DType::I32: fill<int32_t>(Y, cpu::saturate_cast<int32_t>(v)); break;
    case DType::I64: fill<int64_t>(Y, c.attrs.exact_i("value", 0)); break;
    case DType::Bool: fill<uint8_t>(Y, v != 0 ? 1 : 0); break;
    default: cpu::fail_plan(std::string("ConstantOfShape: unsupported type ") + dtype_name(Y.dtype));
  }
}

}  // namespace

SRT_KERNEL("Range", CPU, supports_range, run_range);
SRT_KERNEL("ConstantOfShape", CPU, supports_constant_of_shape, run_constant_of_shape);

}  // namespace srt
