// Vectorised float32 math over arrays, for the CPU element-wise kernels (unary.cc, softmax.cc,
// layernorm.cc). Accurate to float rounding: exp, log, tanh, sigmoid, softplus and erf are within
// 1.6 ulp of the correctly rounded result over the whole float range (native/cpu/test/
// vec_math_check.cc sweeps all 2^32 inputs on both paths), with IEEE special values: NaN in gives
// NaN out, overflow gives ±inf, underflow gives denormals then 0, saturating functions reach ±1 /
// 0 / x exactly. The Gelu forms are within a few ulp of the operator's formula evaluated exactly,
// except where the float rounding of its argument dominates (tanh form, x < -2).
//
// Two implementations of the same algorithms (vec_math.cc; tanh beyond 0.625 differs, see there):
//  - AVX2/FMA, 8 floats at a time, compiled for that target with function attributes only and
//    chosen at run time when the CPU has it (x86 with GCC or Clang), like the GEMM in gemm.cc;
//  - portable scalar code, everywhere else (and when SRT_VEC_MATH_SCALAR=1 is set in the
//    environment, to test that path on an AVX2 machine).
// The functions run on the calling thread; callers split large arrays over threads themselves.
// In-place use (x == y) is allowed for the element-wise functions.
#pragma once
#include <cstdint>

namespace srt {
namespace vm {

// y[i] = f(x[i]) for i in [0, n).
using ArrayFn = void (*)(const float* x, float* y, int64_t n);

// One implementation of the element-wise functions.
struct UnaryTable {
  const char* name;  // "avx2" or "scalar"
  ArrayFn exp;
  ArrayFn log;         // natural logarithm
  ArrayFn tanh;
  ArrayFn sigmoid;     // 1 / (1 + e^-x)
  ArrayFn softplus;    // ln(1 + e^x), overflow-safe
  ArrayFn erf;
  ArrayFn gelu_erf;    // x/2 (1 + erf(x/√2)), with erfc for x < 0
  ArrayFn gelu_tanh;   // x/2 (1 + tanh(√(2/π)(x + 0.044715 x³))) = x sigmoid(2√(2/π)(x + 0.044715 x³))
  ArrayFn sqrt;
  ArrayFn reciprocal;  // 1 / x
};

// The portable implementation, and the AVX2/FMA one (nullptr when not compiled in or the CPU
// lacks AVX2 or FMA). active() is the one the functions below use.
const UnaryTable& scalar_table();
const UnaryTable* avx2_table();
const UnaryTable& active();

inline void vexp(const float* x, float* y, int64_t n) { active().exp(x, y, n); }
inline void vlog(const float* x, float* y, int64_t n) { active().log(x, y, n); }
inline void vtanh(const float* x, float* y, int64_t n) { active().tanh(x, y, n); }
inline void vsigmoid(const float* x, float* y, int64_t n) { active().sigmoid(x, y, n); }
inline void vsoftplus(const float* x, float* y, int64_t n) { active().softplus(x, y, n); }
inline void verf(const float* x, float* y, int64_t n) { active().erf(x, y, n); }
inline void vgelu_erf(const float* x, float* y, int64_t n) { active().gelu_erf(x, y, n); }
inline void vgelu_tanh(const float* x, float* y, int64_t n) { active().gelu_tanh(x, y, n); }
inline void vsqrt(const float* x, float* y, int64_t n) { active().sqrt(x, y, n); }
inline void vreciprocal(const float* x, float* y, int64_t n) { active().reciprocal(x, y, n); }

// ---- reductions and row helpers (Softmax, LayerNormalization) --------------------------------

// max over x[0, n) starting from -inf, NaNs ignored (the loop `m = x[i] > m ? x[i] : m`).
float max(const float* x, int64_t n);
// y[i] = exp(x[i] - shift) (y may be nullptr: not stored); returns the sum of those floats in double.
double exp_shift_sum(const float* x, float shift, float* y, int64_t n);
// y[i] *= s.
void scale(float* y, float s, int64_t n);
// y[i] = (x[i] - a) - b, in that order.
void sub2(const float* x, float a, float b, float* y, int64_t n);
// Columns: m[j] = x[j] > m[j] ? x[j] : m[j].
void max_into(float* m, const float* x, int64_t n);
// Columns: e = exp(x[j] - m[j]); y[j] = e (when y is not nullptr); sum[j] += e (in double).
void exp_sub_accumulate(const float* x, const float* m, float* y, double* sum, int64_t n);
// Sum of x[0, n) in double, and the sum of (x[i] - mean)^2 in double.
double sum_f64(const float* x, int64_t n);
double sum_sq_dev_f64(const float* x, double mean, int64_t n);
// y[i] = (x[i] - m) * s * scale[i] (+ bias[i] when bias is not nullptr).
void normalize_affine(const float* x, float m, float s, const float* scale, const float* bias, float* y, int64_t n);

}  // namespace vm
}  // namespace srt
