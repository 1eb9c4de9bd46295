// Unary element-wise operators: float32 math (Sqrt, Exp, Log, Erf, Reciprocal, Sigmoid, Tanh,
// Softplus, LeakyRelu, Gelu), sign/rectifier ops on float32/int32/int64 (Neg, Abs, Relu), Clip and Not.
// The transcendental functions go through cpu/vec_math.h (AVX2/FMA when the CPU has it, accurate
// to float rounding), large tensors split over the engine's threads.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "cpu/kernel_util.h"
#include "cpu/vec_math.h"

namespace srt {
namespace {

template <class TX, class TY, class F>
void map(const Tensor& X, Tensor& Y, const char* name, F f) {
  cpu::require_same_numel(X, Y, name);
  const TX* x = X.ptr<const TX>();
  TY* y = Y.ptr<TY>();
  const int64_t n = Y.numel();
  for (int64_t i = 0; i < n; ++i) y[i] = f(x[i]);
}

// ---- float32 math ------------------------------------------------------------------------------

std::string supports_float_unary(const NodeSig& s) {
  return cpu::first_reason(cpu::require_arity(s, 1, 1, 1, 1, 1), require_types(s, {DType::F32}));
}

template <class F>
void run_float(const KernelCall& c, const char* name, F f) {
  const Tensor& X = cpu::input(c, 0, name);
  Tensor& Y = cpu::output(c, 0, name);
  if (X.dtype != DType::F32 || Y.dtype != DType::F32) cpu::fail_plan(std::string(name) + ": unsupported types");
  map<float, float>(X, Y, name, f);
}

// Tensors above this many elements are split over the engine's threads (waking them costs
// microseconds; these functions cost about a nanosecond per element, Gelu's erf form more), in
// chunks of kChunk elements (a multiple of the 8-float vectors).
constexpr int64_t kParallelMin = int64_t(1) << 13;
constexpr int64_t kChunk = int64_t(1) << 12;

// y = f(x) through one of the array functions of cpu/vec_math.h (AVX2/FMA or portable).
void run_vec(const KernelCall& c, const char* name, vm::ArrayFn vm::UnaryTable::*fn) {
  const Tensor& X = cpu::input(c, 0, name);
  Tensor& Y = cpu::output(c, 0, name);
  if (X.dtype != DType::F32 || Y.dtype != DType::F32) cpu::fail_plan(std::string(name) + ": unsupported types");
  cpu::require_same_numel(X, Y, name);
  const float* x = X.ptr<const float>();
  float* y = Y.ptr<float>();
  const int64_t n = Y.numel();
  const vm::ArrayFn f = vm::active().*fn;
  if (n > kParallelMin && c.ctx.threads() > 1) {
    c.ctx.parallel_for(cpu::ceil_div(n, kChunk), [&](int64_t b, int64_t e) {
      const int64_t i0 = b * kChunk, i1 = std::min(n, e * kChunk);
      f(x + i0, y + i0, i1 - i0);
    });
  } else {
    f(x, y, n);
  }
}

void run_sqrt(const KernelCall& c) { run_vec(c, "Sqrt", &vm::UnaryTable::sqrt); }
void run_exp(const KernelCall& c) { run_vec(c, "Exp", &vm::UnaryTable::exp); }
void run_log(const KernelCall& c) { run_vec(c, "Log", &vm::UnaryTable::log); }
void run_erf(const KernelCall& c) { run_vec(c, "Erf", &vm::UnaryTable::erf); }
void run_reciprocal(const KernelCall& c) { run_vec(c, "Reciprocal", &vm::UnaryTable::reciprocal); }
// exp of a non-positive argument only: no overflow for large |x|.
void run_sigmoid(const KernelCall& c) { run_vec(c, "Sigmoid", &vm::UnaryTable::sigmoid); }
void run_tanh(const KernelCall& c) { run_vec(c, "Tanh", &vm::UnaryTable::tanh); }
// log(1 + e^x) = log1p(e^-|x|) + max(x, 0): no overflow for large x, no loss for very negative x.
void run_softplus(const KernelCall& c) { run_vec(c, "Softplus", &vm::UnaryTable::softplus); }

void run_leaky_relu(const KernelCall& c) {
  const float alpha = static_cast<float>(c.attrs.f("alpha", 0.01));
  run_float(c, "LeakyRelu", [alpha](float x) { return x >= 0 ? x : alpha * x; });
}

std::string supports_gelu(const NodeSig& s) {
  std::string r = supports_float_unary(s);
  if (!r.empty()) return r;
  const std::string a = s.attrs.s("approximate", "none");
  if (a != "none" && a != "tanh") return "Gelu: unsupported approximate=\"" + a + "\"";
  return "";
}

// 0.5 x (1 + erf(x / √2)), or 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³))) (computed as
// x sigmoid(2 √(2/π) (x + 0.044715 x³)), the same function without the cancellation in 1 + tanh).
void run_gelu(const KernelCall& c) {
  if (c.attrs.s("approximate", "none") == "tanh") {
    run_vec(c, "Gelu", &vm::UnaryTable::gelu_tanh);
  } else {
    run_vec(c, "Gelu", &vm::UnaryTable::gelu_erf);
  }
}

// ---- Neg, Abs, Relu, Clip on float32 / int32 / int64 -------------------------------------------

std::string supports_signed_unary(const NodeSig& s) {
  return cpu::first_reason(cpu::require_arity(s, 1, 1, 1, 1, 1), require_types(s, {DType::F32, DType::I32, DType::I64}),
                           cpu::require_same_types(s, 0, {}, {0}));
}

template <class Body>
void run_signed(const KernelCall& c, const char* name, Body body) {
  const Tensor& X = cpu::input(c, 0, name);
  Tensor& Y = cpu::output(c, 0, name);
  if (X.dtype != Y.dtype) cpu::fail_plan(std::string(name) + ": unsupported types");
  switch (X.dtype) {
    case DType::F32: body(X, Y, float{}); break;
    case DType::I32: body(X, Y, int32_t{}); break;
    case DType::I64: body(X, Y, int64_t{}); break;
    default: cpu::fail_plan(std::string(name) + ": unsupported type " + dtype_name(X.dtype));
  }
}

void run_neg(const KernelCall& c) {
  run_signed(c, "Neg", [](const Tensor& X, Tensor& Y, auto t) {
    using T = decltype(t);
    map<T, T>(X, Y, "Neg", [](T x) { return cpu::wrap_neg(x); });
  });
}

void run_abs(const KernelCall& c) {
  run_signed(c, "Abs", [](const Tensor& X, Tensor& Y, auto t) {
    using T = decltype(t);
    if constexpr (std::is_floating_point_v<T>) {
      map<T, T>(X, Y, "Abs", [](T x) { return std::fabs(x); });
    } else {
      map<T, T>(X, Y, "Abs", [](T x) { return x < 0 ? cpu::wrap_neg(x) : x; });  // |MIN| wraps to MIN
    }
  });
}

void run_relu(const KernelCall& c) {
  // x < 0 ? 0 : x keeps NaN.
  run_signed(c, "Relu", [](const Tensor& X, Tensor& Y, auto t) {
    using T = decltype(t);
    map<T, T>(X, Y, "Relu", [](T x) { return x < 0 ? T(0) : x; });
  });
}

// Clip bounds as T: ±Infinity (unbounded) saturate to the type's range for integers.
template <class T>
T clip_bound(double v, bool lower) {
  if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(v);
  } else {
    if (std::isnan(v)) return lower ? std::numeric_limits<T>::lowest() : std::numeric_limits<T>::max();
    return cpu::saturate_cast<T>(lower ? std::ceil(v) : std::floor(v));
  }
}

// An absent min/max reads as unbounded.
void run_clip(const KernelCall& c) {
  const double lo = c.attrs.f("min", -std::numeric_limits<double>::infinity());
  const double hi = c.attrs.f("max", std::numeric_limits<double>::infinity());
  run_signed(c, "Clip", [&c, lo, hi](const Tensor& X, Tensor& Y, auto t) {
    using T = decltype(t);
    T l = clip_bound<T>(lo, true), h = clip_bound<T>(hi, false);
    if constexpr (std::is_same_v<T, int64_t>) {  // int64 bounds beyond 2^53 arrive exact
      if (c.attrs.is_int("min")) l = c.attrs.i("min");
      if (c.attrs.is_int("max")) h = c.attrs.i("max");
    }
    // max then min (as onnxruntime): with min > max everything becomes max; NaN passes through.
    map<T, T>(X, Y, "Clip", [l, h](T x) {
      const T v = x < l ? l : x;
      return v > h ? h : v;
    });
  });
}

// ---- Not ---------------------------------------------------------------------------------------

std::string supports_not(const NodeSig& s) {
  return cpu::first_reason(cpu::require_arity(s, 1, 1, 1, 1, 1), require_types(s, {DType::Bool}));
}

void run_not(const KernelCall& c) {
  const Tensor& X = cpu::input(c, 0, "Not");
  Tensor& Y = cpu::output(c, 0, "Not");
  if (X.dtype != DType::Bool || Y.dtype != DType::Bool) cpu::fail_plan("Not: unsupported types");
  map<uint8_t, uint8_t>(X, Y, "Not", [](uint8_t x) { return static_cast<uint8_t>(x == 0); });
}

}  // namespace

SRT_KERNEL("Sqrt", CPU, supports_float_unary, run_sqrt);
SRT_KERNEL("Exp", CPU, supports_float_unary, run_exp);
SRT_KERNEL("Log", CPU, supports_float_unary, run_log);
SRT_KERNEL("Erf", CPU, supports_float_unary, run_erf);
SRT_KERNEL("Reciprocal", CPU, supports_float_unary, run_reciprocal);
SRT_KERNEL("Sigmoid", CPU, supports_float_unary, run_sigmoid);
SRT_KERNEL("Tanh", CPU, supports_float_unary, run_tanh);
SRT_KERNEL("Softplus", CPU, supports_float_unary, run_softplus);
SRT_KERNEL("LeakyRelu", CPU, supports_float_unary, run_leaky_relu);
SRT_KERNEL("Gelu", CPU, supports_gelu, run_gelu);
SRT_KERNEL("Neg", CPU, supports_signed_unary, run_neg);
SRT_KERNEL("Abs", CPU, supports_signed_unary, run_abs);
SRT_KERNEL("Relu", CPU, supports_signed_unary, run_relu);
SRT_KERNEL("Clip", CPU, supports_signed_unary, run_clip);
SRT_KERNEL("Not", CPU, supports_not, run_not);

}  // namespace srt
