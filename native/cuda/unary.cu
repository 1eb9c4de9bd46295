// CUDA twin of cpu/unary.cc: the same operators, types and semantics (NaN passes through, integer
// negation wraps, Clip applies max then min), one grid-stride kernel per functor.
#include <limits>
#include <type_traits>

#include "cuda/cuda_util.h"

namespace srt {
namespace {

template <class TX, class TY, class F>
__global__ void map_kernel(const TX* __restrict__ x, TY* __restrict__ y, int64_t n, F f) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
    y[i] = f(x[i]);
}

template <class TX, class TY, class F>
void map(const KernelCall& c, const char* name, F f) {
  const Tensor& X = cpu::input(c, 0, name);
  Tensor& Y = cpu::output(c, 0, name);
  cpu::require_same_numel(X, Y, name);
  const int64_t n = Y.numel();
  if (n == 0) return;
  SRT_LAUNCH(cuda::blocks_for(n), cuda::kThreads, 0, cuda::stream_of(c), map_kernel<TX, TY, F>)
  (X.ptr<const TX>(), Y.ptr<TY>(), n, f);
  cuda::check_launch(name);
}

// ---- float32 math ------------------------------------------------------------------------------

std::string supports_float_unary(const NodeSig& s) {
  return cpu::first_reason(cpu::require_arity(s, 1, 1, 1, 1, 1), require_types(s, {DType::F32}));
}

template <class F>
void run_float(const KernelCall& c, const char* name, F f) {
  if (cpu::input(c, 0, name).dtype != DType::F32 || cpu::output(c, 0, name).dtype != DType::F32)
    cpu::fail_plan(std::string(name) + ": unsupported types");
  map<float, float>(c, name, f);
}

struct Sqrt { __device__ float operator()(float x) const { return sqrtf(x); } };
struct Exp { __device__ float operator()(float x) const { return expf(x); } };
struct Log { __device__ float operator()(float x) const { return logf(x); } };
struct Erf { __device__ float operator()(float x) const { return erff(x); } };
struct Reciprocal { __device__ float operator()(float x) const { return 1.0f / x; } };
struct Tanh { __device__ float operator()(float x) const { return tanhf(x); } };
struct Sigmoid {
  __device__ float operator()(float x) const {
    if (x >= 0) return 1.0f / (1.0f + expf(-x));  // exp of a non-positive argument only
    const float e = expf(x);
    return e / (1.0f + e);
  }
};
struct Softplus {
  __device__ float operator()(float x) const { return log1pf(expf(-fabsf(x))) + (x > 0 ? x : 0.0f); }
};
struct LeakyRelu {
  float alpha;
  __device__ float operator()(float x) const { return x >= 0 ? x : alpha * x; }
};
struct GeluErf {
  __device__ float operator()(float x) const { return 0.5f * x * (1.0f + erff(x * 0.7071067811865476f)); }
};
struct GeluTanh {
  __device__ float operator()(float x) const {
    return 0.5f * x * (1.0f + tanhf(0.7978845608028654f * (x + 0.044715f * x * x * x)));
  }
};

void run_sqrt(const KernelCall& c) { run_float(c, "Sqrt", Sqrt{}); }
void run_exp(const KernelCall& c) { run_float(c, "Exp", Exp{}); }
void run_log(const KernelCall& c) { run_float(c, "Log", Log{}); }
void run_erf(const KernelCall& c) { run_float(c, "Erf", Erf{}); }
void run_reciprocal(const KernelCall& c) { run_float(c, "Reciprocal", Reciprocal{}); }
void run_sigmoid(const KernelCall& c) { run_float(c, "Sigmoid", Sigmoid{}); }
void run_tanh(const KernelCall& c) { run_float(c, "Tanh", Tanh{}); }
void run_softplus(const KernelCall& c) { run_float(c, "Softplus", Softplus{}); }
void run_leaky_relu(const KernelCall& c) {
  run_float(c, "LeakyRelu", LeakyRelu{static_cast<float>(c.attrs.f("alpha", 0.01))});
}

std::string supports_gelu(const NodeSig& s) {
  std::string r = supports_float_unary(s);
  if (!r.empty()) return r;
  const std::string a = s.attrs.s("approximate", "none");
  if (a != "none" && a != "tanh") return "Gelu: unsupported approximate=\"" + a + "\"";
  return "";
}
void run_gelu(const KernelCall& c) {
  if (c.attrs.s("approximate", "none") == "tanh") run_float(c, "Gelu", GeluTanh{});
  else run_float(c, "Gelu", GeluErf{});
}

// ---- Neg, Abs, Relu, Clip on float32 / int32 / int64 -------------------------------------------

std::string supports_signed_unary(const NodeSig& s) {
  return cpu::first_reason(cpu::require_arity(s, 1, 1, 1, 1, 1), require_types(s, {DType::F32, DType::I32, DType::I64}),
                           cpu::require_same_types(s, 0, {}, {0}));
}

template <class Body>
void run_signed(const KernelCall& c, const char* name, Body body) {
  const Tensor& X = cpu::input(c, 0, name);
  if (X.dtype != cpu::output(c, 0, name).dtype) cpu::fail_plan(std::string(name) + ": unsupported types");
  switch (X.dtype) {
    case DType::F32: body(float{}); break;
    case DType::I32: body(int32_t{}); break;
    case DType::I64: body(int64_t{}); break;
    default: cpu::fail_plan(std::string(name) + ": unsupported type " + dtype_name(X.dtype));
  }
}

template <class T>
struct Neg {  // integers wrap (two's complement) instead of overflowing
  __device__ T operator()(T x) const {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(U(0) - static_cast<U>(x));
  }
};
template <>
struct Neg<float> {
  __device__ float operator()(float x) const { return -x; }
};
template <class T>
struct Abs {
  __device__ T operator()(T x) const { return x < 0 ? Neg<T>{}(x) : x; }  // |MIN| wraps to MIN
};
template <>
struct Abs<float> {
  __device__ float operator()(float x) const { return fabsf(x); }
};
template <class T>
struct Relu {
  __device__ T operator()(T x) const { return x < 0 ? T(0) : x; }  // keeps NaN
};
template <class T>
struct Clip {
  T lo, hi;
  __device__ T operator()(T x) const {
    const T v = x < lo ? lo : x;  // max then min, as onnxruntime: NaN passes through
    return v > hi ? hi : v;
  }
};

void run_neg(const KernelCall& c) {
  run_signed(c, "Neg", [&c](auto t) { map<decltype(t), decltype(t)>(c, "Neg", Neg<decltype(t)>{}); });
}
void run_abs(const KernelCall& c) {
  run_signed(c, "Abs", [&c](auto t) { map<decltype(t), decltype(t)>(c, "Abs", Abs<decltype(t)>{}); });
}
void run_relu(const KernelCall& c) {
  run_signed(c, "Relu", [&c](auto t) { map<decltype(t), decltype(t)>(c, "Relu", Relu<decltype(t)>{}); });
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

void run_clip(const KernelCall& c) {
  const double lo = c.attrs.f("min", -std::numeric_limits<double>::infinity());
  const double hi = c.attrs.f("max", std::numeric_limits<double>::infinity());
  run_signed(c, "Clip", [&c, lo, hi](auto t) {
    using T = decltype(t);
    T l = clip_bound<T>(lo, true), h = clip_bound<T>(hi, false);
    if constexpr (std::is_same_v<T, int64_t>) {  // int64 bounds beyond 2^53 arrive exact
      if (c.attrs.is_int("min")) l = c.attrs.i("min");
      if (c.attrs.is_int("max")) h = c.attrs.i("max");
    }
    map<T, T>(c, "Clip", Clip<T>{l, h});
  });
}

// ---- Not ---------------------------------------------------------------------------------------

std::string supports_not(const NodeSig& s) {
  return cpu::first_reason(cpu::require_arity(s, 1, 1, 1, 1, 1), require_types(s, {DType::Bool}));
}
struct Not {
  __device__ uint8_t operator()(uint8_t x) const { return x == 0; }
};
void run_not(const KernelCall& c) {
  if (cpu::input(c, 0, "Not").dtype != DType::Bool || cpu::output(c, 0, "Not").dtype != DType::Bool)
    cpu::fail_plan("Not: unsupported types");
  map<uint8_t, uint8_t>(c, "Not", Not{});
}

}  // namespace

SRT_KERNEL("Sqrt", CUDA, supports_float_unary, run_sqrt);
SRT_KERNEL("Exp", CUDA, supports_float_unary, run_exp);
SRT_KERNEL("Log", CUDA, supports_float_unary, run_log);
SRT_KERNEL("Erf", CUDA, supports_float_unary, run_erf);
SRT_KERNEL("Reciprocal", CUDA, supports_float_unary, run_reciprocal);
SRT_KERNEL("Sigmoid", CUDA, supports_float_unary, run_sigmoid);
SRT_KERNEL("Tanh", CUDA, supports_float_unary, run_tanh);
SRT_KERNEL("Softplus", CUDA, supports_float_unary, run_softplus);
SRT_KERNEL("LeakyRelu", CUDA, supports_float_unary, run_leaky_relu);
SRT_KERNEL("Gelu", CUDA, supports_gelu, run_gelu);
SRT_KERNEL("Neg", CUDA, supports_signed_unary, run_neg);
SRT_KERNEL("Abs", CUDA, supports_signed_unary, run_abs);
SRT_KERNEL("Relu", CUDA, supports_signed_unary, run_relu);
SRT_KERNEL("Clip", CUDA, supports_signed_unary, run_clip);
SRT_KERNEL("Not", CUDA, supports_not, run_not);

}  // namespace srt
