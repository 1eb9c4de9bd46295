// Vectorised float32 math (see vec_math.h): one algorithm per function, written twice, as
// portable scalar code (branch-free, so that compilers vectorise its loops for the baseline
// target) and as AVX2/FMA intrinsics (8 lanes, compiled for that target with function attributes
// only, chosen at run time). Where the AVX2 code corrects a final division with an FMA residual,
// the scalar code does that step in double instead (and tanh differs, below). native/cpu/test/
// vec_math_check.cc measures both against double precision over every float (max errors on both
// paths: exp 0.78 ulp, log 0.83, tanh 0.82 scalar and 0.92 AVX2, sigmoid 1.48, softplus 1.55,
// erf 1.50).
//
//   exp      x = n ln2 + s + c (Cody-Waite split of ln2, |s| <= ln2/2, c the rounding error of s),
//            e^(s+c) = 1 + s + (s² P(s) + c) (Cephes expf polynomial, degree 5) with 1 + s kept as
//            an exact sum until the last addition, times 2^n applied as two normal powers of two
//            so that results near overflow and in the denormal range round once. x is clamped to
//            [-150, 88.8]: e^88.8 overflows to inf, e^-150 times any factor below 2^40 rounds to 0.
//   log      x = m 2^e with m in [√½, √2), log m = f - f²/2 + f³ P(f), f = m - 1 exact (Cephes
//            logf); denormals are scaled by 2^23 first.
//   tanh     |x| < 0.625: x + x³ P(x²) (Cephes tanhf: relative accuracy near 0, tanh(tiny) = x);
//            beyond, scalar: 1 - 2 / (e^{2|x|} + 1) in double with the sign of x, |x| capped at
//            20 (exactly ±1 from |x| ≈ 9.01); AVX2: one of eight degree-7 polynomials picked by
//            the exponent bits (kTanhPiece*), ±1 from |x| = 9. The exp-and-divide form took 32
//            cycles per 8 floats on Zen 2 (latency-bound), the polynomials 20.
//   sigmoid  with e = e^{-|x|} (never overflows): 1 / (1 + e) for x >= 0, e / (1 + e) for x < 0,
//            the division corrected for the rounding of 1 + e and its own.
//   softplus max(x, 0) + log1p(e^{-|x|}); log1p(u) = log(w) + (u - (w - 1)) / w with w = 1 + u
//            (the rounding error of w restored), so softplus(x) = e^x for very negative x and x
//            for large x.
//   erf      |x| < 0.921875: x + x Q(x²) (degree 6 minimax fit, relative error < 1e-8);
//            beyond: 1 - erfc(|x|), erfc(t) = u exp(P(u) - t²), u = 2 / (2 + t) (degree 10
//            minimax fit of ln(erfc(t) / u) + t² in u over all t >= 0.921875, error < 2e-8),
//            with t² split exactly into two floats and the rounding of P - t² carried.
//   Gelu     x/2 (1 + erf(x/√2)) with erfc directly for x < -1.3 (no cancellation in 1 + erf)
//            and (x/√2)² = x²/2 from x exactly; the tanh form as x sigmoid(2 √(2/π) (x +
//            0.044715 x³)), the same function without the cancellation in 1 + tanh.
#include "cpu/vec_math.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#include <immintrin.h>
#define SRT_VM_HAVE_AVX2 1
#define SRT_VM_AVX2 __attribute__((target("avx2,fma")))
#endif

// GCC keeps floating-point selects (a < b ? c : d) out of vectorised loops while it assumes that
// comparisons may trap; nothing here reads the exception flags, so let it vectorise the scalar path.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-trapping-math")
#endif

namespace srt {
namespace vm {
namespace {

// ---- constants shared by both paths ----------------------------------------------------------

constexpr float kInf = std::numeric_limits<float>::infinity();

// exp
constexpr float kExpHi = 88.8f;     // above ln(FLT_MAX) = 88.7228: inf
constexpr float kExpLo = -150.0f;   // far below ln(2^-150) = -103.972 (0), so that e^x times
                                    // factors up to 2^40 still underflows correctly
constexpr float kLog2e = 1.44269504088896341f;
constexpr float kMagic = 12582912.0f;  // 1.5 * 2^23: x + kMagic rounds x to an integer held in the low bits
constexpr float kLn2Hi = 0.693359375f;      // 12 significant bits: n * kLn2Hi is exact for |n| < 2^12
constexpr float kLn2Lo = -2.12194440e-4f;   // ln2 - kLn2Hi
constexpr float kExpP0 = 5.0000001201e-1f, kExpP1 = 1.6666665459e-1f, kExpP2 = 4.1665795894e-2f,
                kExpP3 = 8.3334519073e-3f, kExpP4 = 1.3981999507e-3f, kExpP5 = 1.9875691500e-4f;

// log (f in [√½ - 1, √2 - 1])
constexpr float kSqrtHalf = 0.707106781186547524f;
constexpr float kSqrt2 = 1.41421356237309505f;
constexpr float kMinNormal = 1.17549435e-38f;
constexpr float kTwo23 = 8388608.0f;
constexpr float kLogP0 = 3.3333331174e-1f, kLogP1 = -2.4999993993e-1f, kLogP2 = 2.0000714765e-1f,
                kLogP3 = -1.6668057665e-1f, kLogP4 = 1.4249322787e-1f, kLogP5 = -1.2420140846e-1f,
                kLogP6 = 1.1676998740e-1f, kLogP7 = -1.1514610310e-1f, kLogP8 = 7.0376836292e-2f;

// tanh, |x| < kTanhSmall: x + x³ P(x²)
constexpr float kTanhSmall = 0.625f;
constexpr float kTanhP0 = -3.33332819422e-1f, kTanhP1 = 1.33314422036e-1f, kTanhP2 = -5.37397155531e-2f,
                kTanhP3 = 2.06390887954e-2f, kTanhP4 = -5.70498872745e-3f;

// tanh, kTanhSmall <= |x| < 9 (AVX2 path): eight polynomials of degree 7 in |x| - c, one per
// piece [0.625, 0.75), [0.75, 1), [1, 1.5), [1.5, 2), [2, 3), [3, 4), [4, 6), [6, 9] (the piece is
// read off the float's exponent and first mantissa bit); fitted by Chebyshev interpolation in
// high precision and rounded to float (tanh is 1 in float from |x| = 9 on) by
// native/cpu/test/fit_tanh.py.
constexpr float kTanhPieceC[8] = {6.875e-01f, 8.75e-01f, 1.25e+00f, 1.75e+00f, 2.5e+00f, 3.5e+00f, 5e+00f, 7.55e+00f};
constexpr float kTanhPieceP[8][8] = {  // [coefficient k][piece]
    {5.9637356e-01f, 7.039056e-01f, 8.4828365e-01f, 9.4137555e-01f, 9.866143e-01f, 9.981779e-01f, 9.999092e-01f, 9.9999946e-01f},
    {6.443386e-01f, 5.045169e-01f, 2.8041488e-01f, 1.138121e-01f, 2.6592229e-02f, 3.6408848e-03f, 1.8158219e-04f, 1.1069245e-06f},
    {-3.842665e-01f, -3.5513228e-01f, -2.3787141e-01f, -1.0713987e-01f, -2.6236096e-02f, -3.6342856e-03f, -1.8172165e-04f, -1.1221817e-06f},
    {1.4386846e-02f, 8.18073e-02f, 1.0831085e-01f, 6.2921524e-02f, 1.7020876e-02f, 2.4140058e-03f, 1.2105593e-04f, 7.413239e-07f},
    {1.19509056e-01f, 6.079587e-02f, -1.2583065e-02f, -2.3523713e-02f, -8.051206e-03f, -1.197485e-03f, -5.9720154e-05f, -3.3833038e-07f},
    {-6.174883e-02f, -5.885062e-02f, -1.9202495e-02f, 3.6969224e-03f, 2.8598576e-03f, 4.721356e-04f, 2.4011977e-05f, 1.4102547e-07f},
    {-1.16158575e-02f, 1.2955038e-02f, 1.5073806e-02f, 2.087871e-03f, -6.980542e-04f, -1.572269e-04f, -9.256554e-06f, -6.8798826e-08f},
    {2.6387779e-02f, 1.1089723e-02f, -4.461709e-03f, -1.962425e-03f, 6.316753e-05f, 4.168965e-05f, 2.5547831e-06f, 1.8296292e-08f},
};

// erf, |x| < kErfSmall: x + x Q(x²)
constexpr float kErfSmall = 0.921875f;
constexpr float kErfQ0 = 1.283791661e-01f, kErfQ1 = -3.761263490e-01f, kErfQ2 = 1.128370166e-01f,
                kErfQ3 = -2.685970254e-02f, kErfQ4 = 5.201716442e-03f, kErfQ5 = -8.149808273e-04f,
                kErfQ6 = 8.397804049e-05f;
// erfc(t) = u exp(P(u) - t²), u = 2 / (2 + t), t >= kErfSmall
constexpr float kErfcP0 = -1.265512109e+00f, kErfcP1 = 9.999997020e-01f, kErfcP2 = 3.750180900e-01f,
                kErfcP3 = 8.286653459e-02f, kErfcP4 = -7.977369428e-02f, kErfcP5 = -1.910386235e-01f,
                kErfcP6 = 1.322828978e-01f, kErfcP7 = -6.378872395e-01f, kErfcP8 = 1.345493436e+00f,
                kErfcP9 = -1.059827924e+00f, kErfcP10 = 2.988680005e-01f;

// Gelu
constexpr float kInvSqrt2 = 0.7071067811865476f;         // 1 / √2 (as the kernel always had it)
constexpr float kGeluTanhK = 0.7978845608028654f;        // √(2/π)
constexpr float kGeluTanhC = 0.044715f;

// ---- portable scalar path --------------------------------------------------------------------

inline uint32_t f2u(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}
inline float u2f(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}
inline float with_sign_of(float mag, float x) { return u2f(f2u(mag) | (f2u(x) & 0x80000000u)); }
// |x| and -|x| by their bits: GCC does not vectorise some selects on values it knows the sign of.
inline float abs_s(float x) { return u2f(f2u(x) & 0x7fffffffu); }
inline float neg_abs_s(float x) { return u2f(f2u(x) | 0x80000000u); }

// e^x as y * s1 * s2 with y in [0.7, 1.42] and s1, s2 powers of two (normal floats): callers that
// multiply e^x by other factors apply s1 * s2 last, so that tiny results round once.
inline float exp_parts_s(float x, float& s1, float& s2) {
  const bool zero = x < kExpLo;  // y = 0: e^x times any factor below 2^60 is 0
  x = x > kExpHi ? kExpHi : x;  // NaN passes both
  x = zero ? kExpLo : x;
  const float t = x * kLog2e + kMagic;
  const float n = t - kMagic;
  const int32_t ni = static_cast<int32_t>(f2u(t) - f2u(kMagic));  // n as an integer
  const float r = x - n * kLn2Hi;  // exact
  const float nl = n * kLn2Lo;
  const float s = r - nl;          // x - n ln2 = s + c
  const float c = (r - s) - nl;
  float p = kExpP5;
  p = p * s + kExpP4;
  p = p * s + kExpP3;
  p = p * s + kExpP2;
  p = p * s + kExpP1;
  p = p * s + kExpP0;
  const float q = p * (s * s) + c;
  const float hi = 1.0f + s;
  const float lo = (1.0f - hi) + s;  // exact: 1 + s = hi + lo
  const int32_t n1 = ni >> 1, n2 = ni - n1;  // 2^n = 2^n1 * 2^n2, both normal
  s1 = u2f(static_cast<uint32_t>(n1 + 127) << 23);
  s2 = u2f(static_cast<uint32_t>(n2 + 127) << 23);
  return zero ? 0.0f : hi + (lo + q);
}

inline float exp_s(float x) {
  float s1, s2;
  const float y = exp_parts_s(x, s1, s2);
  return y * s1 * s2;
}

// log(m) for f = m - 1: f - f²/2 + f³ P(f) (without the e ln2 terms).
inline float log_poly_s(float f, float& z) {
  z = f * f;
  float p = kLogP8;
  p = p * f + kLogP7;
  p = p * f + kLogP6;
  p = p * f + kLogP5;
  p = p * f + kLogP4;
  p = p * f + kLogP3;
  p = p * f + kLogP2;
  p = p * f + kLogP1;
  p = p * f + kLogP0;
  return p * f * z;
}

inline float log_s(float x0) {
  const bool tiny = x0 < kMinNormal;  // denormals (and what is not positive: replaced below)
  const float x = tiny ? x0 * kTwo23 : x0;
  const uint32_t u = f2u(x);
  float e = static_cast<float>(static_cast<int32_t>(u >> 23) - 126) - (tiny ? 23.0f : 0.0f);
  const float m = u2f((u & 0x007fffffu) | 0x3f000000u);  // [0.5, 1)
  const bool lt = m < kSqrtHalf;
  e = lt ? e - 1.0f : e;
  const float f = (m - 1.0f) + (lt ? m : 0.0f);  // m - 1, or 2m - 1 (exact)
  float z;
  float y = log_poly_s(f, z);
  y = y + e * kLn2Lo;
  y = y - 0.5f * z;
  float r = f + y;
  r = r + e * kLn2Hi;
  // log(±0) = -inf, log(+inf) = +inf, log(x < 0) = log(NaN) = NaN.
  r = x0 == 0 ? -kInf : r;
  r = x0 == kInf ? x0 : r;
  return x0 >= 0 ? r : std::numeric_limits<float>::quiet_NaN();
}

// log1p(u) for u in [0, 1] (or NaN).
inline float log1p_unit_s(float u) {
  const float w = 1.0f + u;
  const float c = (u - (w - 1.0f)) / w;  // w + c*w = 1 + u exactly: log(1 + u) = log(w) + c
  const bool big = w > kSqrt2;
  const float f = big ? w * 0.5f - 1.0f : w - 1.0f;  // exact
  const float e = big ? 1.0f : 0.0f;
  float z;
  float y = log_poly_s(f, z);
  y = y + c;
  y = y + e * kLn2Lo;
  y = y - 0.5f * z;
  const float r = f + y;
  return r + e * kLn2Hi;
}

// The scalar functions below are branch-free (both sides of a piecewise definition computed, one
// selected), so that compilers can vectorise their loops for the baseline target (SSE2, NEON).
inline float tanh_s(float x) {
  const float a = abs_s(x);
  const float s = x * x;
  float p = kTanhP4;
  p = p * s + kTanhP3;
  p = p * s + kTanhP2;
  p = p * s + kTanhP1;
  p = p * s + kTanhP0;
  const float small = p * s * x + x;
  // 1 - 2 / (e + 1) in double: one rounding after e^{2|x|} (exact as y * 2^n), |x| capped at 20.
  float s1, s2;
  const float a2 = a + a;
  const float y = exp_parts_s(a2 > 40.0f ? 40.0f : a2, s1, s2);
  const double e = static_cast<double>(y) * s1 * s2;
  const float large = with_sign_of(static_cast<float>(1.0 - 2.0 / (e + 1.0)), x);
  return a < kTanhSmall ? small : large;
}

inline float sigmoid_s(float x) {
  float s1, s2;
  const float y = exp_parts_s(neg_abs_s(x), s1, s2);
  const double e = static_cast<double>(y) * s1 * s2;  // e^{-|x|}, exact in double
  return static_cast<float>((x >= 0 ? 1.0 : e) / (1.0 + e));
}

inline float softplus_s(float x) {
  const float l = log1p_unit_s(exp_s(neg_abs_s(x)));
  return (x > 0 ? x : 0.0f) + l;
}

// erf(x) - x for |x| < kErfSmall, as x Q(x²).
inline float erf_small_q(float x) {
  const float s = x * x;
  float q = kErfQ6;
  q = q * s + kErfQ5;
  q = q * s + kErfQ4;
  q = q * s + kErfQ3;
  q = q * s + kErfQ2;
  q = q * s + kErfQ1;
  q = q * s + kErfQ0;
  return q;
}

// x² = hi + lo exactly (Dekker's product with a 12-bit split; no FMA needed), |x| <= 2^20.
inline void square_s(float x, float& hi, float& lo) {
  hi = x * x;
  const float xh = u2f(f2u(x) & 0xfffff000u), xl = x - xh;
  lo = ((xh * xh - hi) + 2.0f * xh * xl) + xl * xl;
}

// erfc(t) for t >= kErfSmall as m * s1 * s2 (s1, s2 powers of two), given t² = sh + sl exactly:
// u exp(P(u) - t²) with u = 2 / (2 + t), the rounding of P - t² carried to first order.
// t = inf gives m = 0 (with sh finite), NaN gives NaN.
inline float erfc_parts_s(float t, float sh, float sl, float& s1, float& s2) {
  const float u = 2.0f / (2.0f + t);
  float p = kErfcP10;
  p = p * u + kErfcP9;
  p = p * u + kErfcP8;
  p = p * u + kErfcP7;
  p = p * u + kErfcP6;
  p = p * u + kErfcP5;
  p = p * u + kErfcP4;
  p = p * u + kErfcP3;
  p = p * u + kErfcP2;
  p = p * u + kErfcP1;
  p = p * u + kErfcP0;
  const float a = p - sh;  // TwoSum: p - sh = a + err
  const float bv = a - p;
  const float err = (p - (a - bv)) - (sh + bv);
  const float lo = err - sl;
  const float m = u * exp_parts_s(a, s1, s2);
  return m + m * lo;
}

constexpr float kErfClamp = 16.0f;       // erf(16) = 1, erfc(16) = 0 in float
constexpr float kGeluClamp = 1048576.0f;  // 2^20: |x| beyond gives erfc(|x|/√2) = 0 all the same

inline float erf_s(float x) {
  const float a = abs_s(x);
  const float small = x * erf_small_q(x) + x;
  const float t = a > kErfClamp ? kErfClamp : a;  // NaN passes
  float sh, sl, s1, s2;
  square_s(t, sh, sl);
  const float m = erfc_parts_s(t, sh, sl, s1, s2);
  const float large = with_sign_of(1.0f - m * s1 * s2, x);
  return a < kErfSmall ? small : large;
}

inline float gelu_erf_s(float x) {
  const float t = abs_s(x * kInvSqrt2);
  const float g = t * erf_small_q(t) + t;  // erf(t), t < kErfSmall
  const float small = 0.5f * x * (x >= 0 ? 1.0f + g : 1.0f - g);
  // (x/√2)² = x²/2 exactly, from x itself (not the rounded t).
  const float xc = abs_s(x) > kGeluClamp ? kGeluClamp : abs_s(x);
  float sh, sl, s1, s2;
  square_s(xc, sh, sl);
  const double e = static_cast<double>(erfc_parts_s(t, 0.5f * sh, 0.5f * sl, s1, s2)) * s1 * s2;  // erfc(t)
  const float large = static_cast<float>(0.5 * x * (x >= 0 ? 2.0 - e : e));
  return t < kErfSmall ? small : large;
}

inline float gelu_tanh_s(float x) {
  // 0.5 (1 + tanh(v)) = sigmoid(2v)
  const float z = (2.0f * kGeluTanhK) * (x + kGeluTanhC * x * x * x);
  float s1, s2;
  const float y = exp_parts_s(neg_abs_s(z), s1, s2);
  const double e = static_cast<double>(y) * s1 * s2;
  return static_cast<float>(x * ((z >= 0 ? 1.0 : e) / (1.0 + e)));
}

// (GCC vectorises this loop with a run-time overlap check that in-place calls, x == y, pass.)
template <float (*F)(float)>
void map_s(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = F(x[i]);
}

float sqrt_s(float x) { return std::sqrt(x); }
float reciprocal_s(float x) { return 1.0f / x; }

const UnaryTable kScalar = {
    "scalar",          map_s<exp_s>,       map_s<log_s>,        map_s<tanh_s>,   map_s<sigmoid_s>,
    map_s<softplus_s>, map_s<erf_s>,       map_s<gelu_erf_s>,   map_s<gelu_tanh_s>,
    map_s<sqrt_s>,     map_s<reciprocal_s>,
};

// ---- AVX2/FMA path ---------------------------------------------------------------------------

#if defined(SRT_VM_HAVE_AVX2)

bool cpu_has_avx2_fma() {
  static const bool has = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }();
  return has;
}

#define C8(v) _mm256_set1_ps(v)

SRT_VM_AVX2 inline __m256 abs8(__m256 x) { return _mm256_andnot_ps(C8(-0.0f), x); }
SRT_VM_AVX2 inline __m256 sign8(__m256 x) { return _mm256_and_ps(C8(-0.0f), x); }

// e^x as y * s1 * s2 (see exp_parts_s).
SRT_VM_AVX2 inline __m256 exp8_parts(__m256 x, __m256& s1, __m256& s2) {
  const __m256 keep = _mm256_cmp_ps(x, C8(kExpLo), _CMP_NLT_UQ);  // else y = 0 (NaN is kept)
  x = _mm256_min_ps(C8(kExpHi), x);  // min/max return the second operand for NaN: NaN passes
  x = _mm256_max_ps(C8(kExpLo), x);
  const __m256 t = _mm256_fmadd_ps(x, C8(kLog2e), C8(kMagic));
  const __m256 n = _mm256_sub_ps(t, C8(kMagic));
  const __m256i ni = _mm256_sub_epi32(_mm256_castps_si256(t), _mm256_castps_si256(C8(kMagic)));
  const __m256 r = _mm256_fnmadd_ps(n, C8(kLn2Hi), x);  // exact
  const __m256 s = _mm256_fnmadd_ps(n, C8(kLn2Lo), r);  // x - n ln2 = s + c
  const __m256 c = _mm256_fnmadd_ps(n, C8(kLn2Lo), _mm256_sub_ps(r, s));
  __m256 p = _mm256_fmadd_ps(C8(kExpP5), s, C8(kExpP4));
  p = _mm256_fmadd_ps(p, s, C8(kExpP3));
  p = _mm256_fmadd_ps(p, s, C8(kExpP2));
  p = _mm256_fmadd_ps(p, s, C8(kExpP1));
  p = _mm256_fmadd_ps(p, s, C8(kExpP0));
  const __m256 q = _mm256_fmadd_ps(p, _mm256_mul_ps(s, s), c);
  const __m256 hi = _mm256_add_ps(C8(1.0f), s);
  const __m256 lo = _mm256_add_ps(_mm256_sub_ps(C8(1.0f), hi), s);  // exact: 1 + s = hi + lo
  const __m256i n1 = _mm256_srai_epi32(ni, 1), n2 = _mm256_sub_epi32(ni, n1);
  const __m256i bias = _mm256_set1_epi32(127);
  s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n1, bias), 23));
  s2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n2, bias), 23));
  return _mm256_and_ps(keep, _mm256_add_ps(hi, _mm256_add_ps(lo, q)));
}

SRT_VM_AVX2 inline __m256 exp8(__m256 x) {
  __m256 s1, s2;
  const __m256 y = exp8_parts(x, s1, s2);
  return _mm256_mul_ps(_mm256_mul_ps(y, s1), s2);
}

SRT_VM_AVX2 inline __m256 log_poly8(__m256 f, __m256& z) {
  z = _mm256_mul_ps(f, f);
  __m256 p = _mm256_fmadd_ps(C8(kLogP8), f, C8(kLogP7));
  p = _mm256_fmadd_ps(p, f, C8(kLogP6));
  p = _mm256_fmadd_ps(p, f, C8(kLogP5));
  p = _mm256_fmadd_ps(p, f, C8(kLogP4));
  p = _mm256_fmadd_ps(p, f, C8(kLogP3));
  p = _mm256_fmadd_ps(p, f, C8(kLogP2));
  p = _mm256_fmadd_ps(p, f, C8(kLogP1));
  p = _mm256_fmadd_ps(p, f, C8(kLogP0));
  return _mm256_mul_ps(_mm256_mul_ps(p, f), z);
}

SRT_VM_AVX2 inline __m256 log8(__m256 x0) {
  const __m256 tiny = _mm256_cmp_ps(x0, C8(kMinNormal), _CMP_LT_OQ);
  const __m256 x = _mm256_blendv_ps(x0, _mm256_mul_ps(x0, C8(kTwo23)), tiny);
  const __m256i u = _mm256_castps_si256(x);
  __m256 e = _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_srli_epi32(u, 23), _mm256_set1_epi32(126)));
  e = _mm256_sub_ps(e, _mm256_and_ps(tiny, C8(23.0f)));
  const __m256 m = _mm256_or_ps(_mm256_and_ps(x, _mm256_castsi256_ps(_mm256_set1_epi32(0x007fffff))), C8(0.5f));
  const __m256 lt = _mm256_cmp_ps(m, C8(kSqrtHalf), _CMP_LT_OQ);
  e = _mm256_sub_ps(e, _mm256_and_ps(lt, C8(1.0f)));
  const __m256 f = _mm256_add_ps(_mm256_sub_ps(m, C8(1.0f)), _mm256_and_ps(lt, m));
  __m256 z;
  __m256 y = log_poly8(f, z);
  y = _mm256_fmadd_ps(e, C8(kLn2Lo), y);
  y = _mm256_fnmadd_ps(C8(0.5f), z, y);
  __m256 r = _mm256_add_ps(f, y);
  r = _mm256_fmadd_ps(e, C8(kLn2Hi), r);
  // log(±0) = -inf, log(+inf) = +inf, log(x < 0) = log(NaN) = NaN.
  r = _mm256_blendv_ps(r, C8(-kInf), _mm256_cmp_ps(x0, _mm256_setzero_ps(), _CMP_EQ_OQ));
  r = _mm256_blendv_ps(r, x0, _mm256_cmp_ps(x0, C8(kInf), _CMP_EQ_OQ));
  r = _mm256_blendv_ps(r, C8(std::numeric_limits<float>::quiet_NaN()),
                       _mm256_cmp_ps(x0, _mm256_setzero_ps(), _CMP_NGE_UQ));
  return r;
}

SRT_VM_AVX2 inline __m256 log1p_unit8(__m256 u) {
  const __m256 one = C8(1.0f);
  const __m256 w = _mm256_add_ps(one, u);
  const __m256 wm1 = _mm256_sub_ps(w, one);
  const __m256 c = _mm256_div_ps(_mm256_sub_ps(u, wm1), w);
  const __m256 big = _mm256_cmp_ps(w, C8(kSqrt2), _CMP_GT_OQ);
  const __m256 f = _mm256_blendv_ps(wm1, _mm256_fmsub_ps(w, C8(0.5f), one), big);
  const __m256 e = _mm256_and_ps(big, one);
  __m256 z;
  __m256 y = log_poly8(f, z);
  y = _mm256_add_ps(y, c);
  y = _mm256_fmadd_ps(e, C8(kLn2Lo), y);
  y = _mm256_fnmadd_ps(C8(0.5f), z, y);
  const __m256 r = _mm256_add_ps(f, y);
  return _mm256_fmadd_ps(e, C8(kLn2Hi), r);
}

// num / d with d = 1 + e rounded and dl = (1 + e) - d: the quotient by 1 + e, corrected by one
// Newton step with the exact residual (FMA), so that only the final rounding remains.
SRT_VM_AVX2 inline __m256 div_corrected(__m256 num, __m256 d, __m256 dl) {
  const __m256 q = _mm256_div_ps(num, d);
  __m256 r = _mm256_fnmadd_ps(q, d, num);  // exact
  r = _mm256_fnmadd_ps(q, dl, r);
  return _mm256_fmadd_ps(r, _mm256_rcp_ps(d), q);
}

SRT_VM_AVX2 inline __m256 tanh8(__m256 x) {
  const __m256 a = abs8(x);
  const __m256 small = _mm256_cmp_ps(a, C8(kTanhSmall), _CMP_LT_OQ);
  const int mask = _mm256_movemask_ps(small);
  __m256 ys = _mm256_setzero_ps();
  if (mask != 0) {
    const __m256 s = _mm256_mul_ps(x, x);
    __m256 p = _mm256_fmadd_ps(C8(kTanhP4), s, C8(kTanhP3));
    p = _mm256_fmadd_ps(p, s, C8(kTanhP2));
    p = _mm256_fmadd_ps(p, s, C8(kTanhP1));
    p = _mm256_fmadd_ps(p, s, C8(kTanhP0));
    ys = _mm256_fmadd_ps(_mm256_mul_ps(p, s), x, x);
    if (mask == 0xff) return ys;
  }
  // The piece's polynomial in |x| - c: the piece index is the float's exponent and first mantissa
  // bit, from 0.5 (0x3F000000 >> 22 = 252) up, the last piece taking [6, 9]. A NaN stays NaN
  // (min returns its second operand for NaN), and |x| >= 9 gives 1.
  const __m256 y = _mm256_min_ps(C8(9.0f), a);
  const __m256i idx = _mm256_min_epi32(
      _mm256_sub_epi32(_mm256_srli_epi32(_mm256_castps_si256(y), 22), _mm256_set1_epi32(252)), _mm256_set1_epi32(7));
  auto piece = [&](const float* table) { return _mm256_permutevar8x32_ps(_mm256_loadu_ps(table), idx); };
  const __m256 t = _mm256_sub_ps(y, piece(kTanhPieceC));
  __m256 yl = _mm256_fmadd_ps(piece(kTanhPieceP[7]), t, piece(kTanhPieceP[6]));
  for (int k = 5; k >= 0; --k) yl = _mm256_fmadd_ps(yl, t, piece(kTanhPieceP[k]));
  yl = _mm256_blendv_ps(yl, C8(1.0f), _mm256_cmp_ps(a, C8(9.0f), _CMP_GE_OQ));
  yl = _mm256_or_ps(yl, sign8(x));
  return mask == 0 ? yl : _mm256_blendv_ps(yl, ys, small);
}

SRT_VM_AVX2 inline __m256 sigmoid8(__m256 x) {
  const __m256 e = exp8(_mm256_or_ps(x, C8(-0.0f)));  // e^{-|x|}
  const __m256 d = _mm256_add_ps(C8(1.0f), e);
  const __m256 dl = _mm256_add_ps(_mm256_sub_ps(C8(1.0f), d), e);  // exact
  const __m256 num = _mm256_blendv_ps(e, C8(1.0f), _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_GE_OQ));
  return div_corrected(num, d, dl);
}

SRT_VM_AVX2 inline __m256 softplus8(__m256 x) {
  const __m256 l = log1p_unit8(exp8(_mm256_or_ps(x, C8(-0.0f))));
  return _mm256_add_ps(_mm256_max_ps(_mm256_setzero_ps(), x), l);
}

SRT_VM_AVX2 inline __m256 erf_small_q8(__m256 x) {
  const __m256 s = _mm256_mul_ps(x, x);
  __m256 q = _mm256_fmadd_ps(C8(kErfQ6), s, C8(kErfQ5));
  q = _mm256_fmadd_ps(q, s, C8(kErfQ4));
  q = _mm256_fmadd_ps(q, s, C8(kErfQ3));
  q = _mm256_fmadd_ps(q, s, C8(kErfQ2));
  q = _mm256_fmadd_ps(q, s, C8(kErfQ1));
  q = _mm256_fmadd_ps(q, s, C8(kErfQ0));
  return q;
}

// erfc(t) as m * s1 * s2 given t² = sh + sl exactly (see erfc_parts_s).
SRT_VM_AVX2 inline __m256 erfc8_parts(__m256 t, __m256 sh, __m256 sl, __m256& s1, __m256& s2) {
  const __m256 u = _mm256_div_ps(C8(2.0f), _mm256_add_ps(C8(2.0f), t));
  __m256 p = _mm256_fmadd_ps(C8(kErfcP10), u, C8(kErfcP9));
  p = _mm256_fmadd_ps(p, u, C8(kErfcP8));
  p = _mm256_fmadd_ps(p, u, C8(kErfcP7));
  p = _mm256_fmadd_ps(p, u, C8(kErfcP6));
  p = _mm256_fmadd_ps(p, u, C8(kErfcP5));
  p = _mm256_fmadd_ps(p, u, C8(kErfcP4));
  p = _mm256_fmadd_ps(p, u, C8(kErfcP3));
  p = _mm256_fmadd_ps(p, u, C8(kErfcP2));
  p = _mm256_fmadd_ps(p, u, C8(kErfcP1));
  p = _mm256_fmadd_ps(p, u, C8(kErfcP0));
  const __m256 a = _mm256_sub_ps(p, sh);
  const __m256 bv = _mm256_sub_ps(a, p);
  const __m256 err = _mm256_sub_ps(_mm256_sub_ps(p, _mm256_sub_ps(a, bv)), _mm256_add_ps(sh, bv));
  const __m256 lo = _mm256_sub_ps(err, sl);
  const __m256 m = _mm256_mul_ps(u, exp8_parts(a, s1, s2));
  return _mm256_fmadd_ps(m, lo, m);
}

SRT_VM_AVX2 inline __m256 erf8(__m256 x) {
  const __m256 a = abs8(x);
  const __m256 small = _mm256_cmp_ps(a, C8(kErfSmall), _CMP_LT_OQ);
  const int mask = _mm256_movemask_ps(small);
  __m256 ys = _mm256_setzero_ps();
  if (mask != 0) {
    ys = _mm256_fmadd_ps(x, erf_small_q8(x), x);
    if (mask == 0xff) return ys;
  }
  const __m256 t = _mm256_min_ps(C8(kErfClamp), a);
  const __m256 sh = _mm256_mul_ps(t, t), sl = _mm256_fmsub_ps(t, t, sh);
  __m256 s1, s2;
  const __m256 m = erfc8_parts(t, sh, sl, s1, s2);
  const __m256 e = _mm256_mul_ps(_mm256_mul_ps(m, s1), s2);
  const __m256 yl = _mm256_or_ps(_mm256_sub_ps(C8(1.0f), e), sign8(x));
  return mask == 0 ? yl : _mm256_blendv_ps(yl, ys, small);
}

SRT_VM_AVX2 inline __m256 gelu_erf8(__m256 x) {
  const __m256 t = abs8(_mm256_mul_ps(x, C8(kInvSqrt2)));
  const __m256 pos = _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_GE_OQ);
  const __m256 half_x = _mm256_mul_ps(C8(0.5f), x);
  const __m256 small = _mm256_cmp_ps(t, C8(kErfSmall), _CMP_LT_OQ);
  const int mask = _mm256_movemask_ps(small);
  __m256 ys = _mm256_setzero_ps(), yl = _mm256_setzero_ps();
  if (mask != 0) {
    const __m256 g = _mm256_fmadd_ps(t, erf_small_q8(t), t);
    const __m256 q = _mm256_add_ps(C8(1.0f), _mm256_xor_ps(g, _mm256_andnot_ps(pos, C8(-0.0f))));  // 1 ± erf(t)
    ys = _mm256_mul_ps(half_x, q);
    if (mask == 0xff) return ys;
  }
  // (x/√2)² = x²/2 exactly, from x itself (not the rounded t).
  const __m256 xc = _mm256_min_ps(C8(kGeluClamp), abs8(x));
  const __m256 sq = _mm256_mul_ps(xc, xc);
  const __m256 sh = _mm256_mul_ps(C8(0.5f), sq), sl = _mm256_mul_ps(C8(0.5f), _mm256_fmsub_ps(xc, xc, sq));
  __m256 s1, s2;
  const __m256 m = erfc8_parts(t, sh, sl, s1, s2);
  const __m256 yp = _mm256_mul_ps(half_x, _mm256_sub_ps(C8(2.0f), _mm256_mul_ps(_mm256_mul_ps(m, s1), s2)));
  const __m256 yn = _mm256_mul_ps(_mm256_mul_ps(_mm256_mul_ps(half_x, m), s1), s2);  // 0.5 x erfc(|x|/√2)
  yl = _mm256_blendv_ps(yn, yp, pos);
  return mask == 0 ? yl : _mm256_blendv_ps(yl, ys, small);
}

SRT_VM_AVX2 inline __m256 gelu_tanh8(__m256 x) {
  // x sigmoid(z), z = 2 √(2/π) (x + 0.044715 x³); for z < 0, x e^z / (1 + e^z) with e^z's power of
  // two applied last (tiny results round once).
  const __m256 x3 = _mm256_mul_ps(_mm256_mul_ps(_mm256_mul_ps(C8(kGeluTanhC), x), x), x);
  const __m256 z = _mm256_mul_ps(C8(2.0f * kGeluTanhK), _mm256_add_ps(x, x3));
  __m256 s1, s2;
  const __m256 y = exp8_parts(_mm256_or_ps(z, C8(-0.0f)), s1, s2);
  const __m256 e = _mm256_mul_ps(_mm256_mul_ps(y, s1), s2);
  const __m256 d = _mm256_add_ps(C8(1.0f), e);
  const __m256 dl = _mm256_add_ps(_mm256_sub_ps(C8(1.0f), d), e);
  const __m256 neg = _mm256_cmp_ps(z, _mm256_setzero_ps(), _CMP_LT_OQ);
  const __m256 q = _mm256_mul_ps(x, div_corrected(_mm256_blendv_ps(C8(1.0f), y, neg), d, dl));
  return _mm256_blendv_ps(q, _mm256_mul_ps(_mm256_mul_ps(q, s1), s2), neg);
}

SRT_VM_AVX2 inline __m256 sqrt8(__m256 x) { return _mm256_sqrt_ps(x); }
SRT_VM_AVX2 inline __m256 reciprocal8(__m256 x) { return _mm256_div_ps(C8(1.0f), x); }

// y = F(x) over n floats: whole vectors, then the tail through a padded buffer.
#define SRT_VM_MAP8(NAME, F)                                              \
  SRT_VM_AVX2 void NAME(const float* x, float* y, int64_t n) {            \
    int64_t i = 0;                                                        \
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, F(_mm256_loadu_ps(x + i))); \
    if (i < n) {                                                          \
      float buf[8] = {0, 0, 0, 0, 0, 0, 0, 0};                            \
      std::memcpy(buf, x + i, static_cast<size_t>(n - i) * sizeof(float)); \
      _mm256_storeu_ps(buf, F(_mm256_loadu_ps(buf)));                     \
      std::memcpy(y + i, buf, static_cast<size_t>(n - i) * sizeof(float)); \
    }                                                                     \
  }

SRT_VM_MAP8(exp_v, exp8)
SRT_VM_MAP8(log_v, log8)
SRT_VM_MAP8(tanh_v, tanh8)
SRT_VM_MAP8(sigmoid_v, sigmoid8)
SRT_VM_MAP8(softplus_v, softplus8)
SRT_VM_MAP8(erf_v, erf8)
SRT_VM_MAP8(gelu_erf_v, gelu_erf8)
SRT_VM_MAP8(gelu_tanh_v, gelu_tanh8)
SRT_VM_MAP8(sqrt_v, sqrt8)
SRT_VM_MAP8(reciprocal_v, reciprocal8)

const UnaryTable kAvx2 = {
    "avx2", exp_v, log_v, tanh_v, sigmoid_v, softplus_v, erf_v, gelu_erf_v, gelu_tanh_v, sqrt_v, reciprocal_v,
};

// ---- row helpers -----------------------------------------------------------------------------

SRT_VM_AVX2 inline double hsum_pd(__m256d v) {
  const __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
  return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
}

// Adds the 8 floats of v to the double accumulators lo (first 4) and hi (last 4).
SRT_VM_AVX2 inline void acc_pd(__m256 v, __m256d& lo, __m256d& hi) {
  lo = _mm256_add_pd(lo, _mm256_cvtps_pd(_mm256_castps256_ps128(v)));
  hi = _mm256_add_pd(hi, _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)));
}

SRT_VM_AVX2 float max_v(const float* x, int64_t n) {
  __m256 m0 = C8(-kInf), m1 = m0;
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    m0 = _mm256_max_ps(_mm256_loadu_ps(x + i), m0);  // x > m ? x : m (NaN in x is skipped)
    m1 = _mm256_max_ps(_mm256_loadu_ps(x + i + 8), m1);
  }
  for (; i + 8 <= n; i += 8) m0 = _mm256_max_ps(_mm256_loadu_ps(x + i), m0);
  m0 = _mm256_max_ps(m1, m0);
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, m0);
  float m = -kInf;
  for (int k = 0; k < 8; ++k) m = lanes[k] > m ? lanes[k] : m;
  for (; i < n; ++i) m = x[i] > m ? x[i] : m;
  return m;
}

SRT_VM_AVX2 double exp_shift_sum_v(const float* x, float shift, float* y, int64_t n) {
  const __m256 s = C8(shift);
  __m256d lo = _mm256_setzero_pd(), hi = _mm256_setzero_pd();
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), s));
    if (y) _mm256_storeu_ps(y + i, e);
    acc_pd(e, lo, hi);
  }
  double sum = hsum_pd(_mm256_add_pd(lo, hi));
  if (i < n) {
    float buf[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    const int64_t r = n - i;
    std::memcpy(buf, x + i, static_cast<size_t>(r) * sizeof(float));
    _mm256_storeu_ps(buf, exp8(_mm256_sub_ps(_mm256_loadu_ps(buf), s)));
    for (int64_t k = 0; k < r; ++k) sum += buf[k];
    if (y) std::memcpy(y + i, buf, static_cast<size_t>(r) * sizeof(float));
  }
  return sum;
}

SRT_VM_AVX2 void scale_v(float* y, float s, int64_t n) {
  const __m256 v = C8(s);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_mul_ps(_mm256_loadu_ps(y + i), v));
  for (; i < n; ++i) y[i] *= s;
}

SRT_VM_AVX2 void sub2_v(const float* x, float a, float b, float* y, int64_t n) {
  const __m256 va = C8(a), vb = C8(b);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_sub_ps(_mm256_sub_ps(_mm256_loadu_ps(x + i), va), vb));
  for (; i < n; ++i) y[i] = (x[i] - a) - b;
}

SRT_VM_AVX2 void max_into_v(float* m, const float* x, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(m + i, _mm256_max_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(m + i)));
  for (; i < n; ++i) m[i] = x[i] > m[i] ? x[i] : m[i];
}

SRT_VM_AVX2 void exp_sub_accumulate_v(const float* x, const float* m, float* y, double* sum, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(m + i)));
    if (y) _mm256_storeu_ps(y + i, e);
    _mm256_storeu_pd(sum + i, _mm256_add_pd(_mm256_loadu_pd(sum + i), _mm256_cvtps_pd(_mm256_castps256_ps128(e))));
    _mm256_storeu_pd(sum + i + 4, _mm256_add_pd(_mm256_loadu_pd(sum + i + 4), _mm256_cvtps_pd(_mm256_extractf128_ps(e, 1))));
  }
  if (i < n) {
    float bx[8] = {0, 0, 0, 0, 0, 0, 0, 0}, bm[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    const int64_t r = n - i;
    std::memcpy(bx, x + i, static_cast<size_t>(r) * sizeof(float));
    std::memcpy(bm, m + i, static_cast<size_t>(r) * sizeof(float));
    _mm256_storeu_ps(bx, exp8(_mm256_sub_ps(_mm256_loadu_ps(bx), _mm256_loadu_ps(bm))));
    for (int64_t k = 0; k < r; ++k) sum[i + k] += bx[k];
    if (y) std::memcpy(y + i, bx, static_cast<size_t>(r) * sizeof(float));
  }
}

SRT_VM_AVX2 double sum_f64_v(const float* x, int64_t n) {
  __m256d a0 = _mm256_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    acc_pd(_mm256_loadu_ps(x + i), a0, a1);
    acc_pd(_mm256_loadu_ps(x + i + 8), a2, a3);
  }
  for (; i + 8 <= n; i += 8) acc_pd(_mm256_loadu_ps(x + i), a0, a1);
  double s = hsum_pd(_mm256_add_pd(_mm256_add_pd(a0, a1), _mm256_add_pd(a2, a3)));
  for (; i < n; ++i) s += x[i];
  return s;
}

SRT_VM_AVX2 inline __m256d dev_pd(__m128 v, __m256d mu) { return _mm256_sub_pd(_mm256_cvtps_pd(v), mu); }

SRT_VM_AVX2 double sum_sq_dev_f64_v(const float* x, double mean, int64_t n) {
  const __m256d mu = _mm256_set1_pd(mean);
  __m256d a0 = _mm256_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256 v = _mm256_loadu_ps(x + i), w = _mm256_loadu_ps(x + i + 8);
    const __m256d d0 = dev_pd(_mm256_castps256_ps128(v), mu), d1 = dev_pd(_mm256_extractf128_ps(v, 1), mu);
    const __m256d d2 = dev_pd(_mm256_castps256_ps128(w), mu), d3 = dev_pd(_mm256_extractf128_ps(w, 1), mu);
    a0 = _mm256_fmadd_pd(d0, d0, a0);
    a1 = _mm256_fmadd_pd(d1, d1, a1);
    a2 = _mm256_fmadd_pd(d2, d2, a2);
    a3 = _mm256_fmadd_pd(d3, d3, a3);
  }
  double s = hsum_pd(_mm256_add_pd(_mm256_add_pd(a0, a1), _mm256_add_pd(a2, a3)));
  for (; i < n; ++i) {
    const double d = x[i] - mean;
    s += d * d;
  }
  return s;
}

SRT_VM_AVX2 void normalize_affine_v(const float* x, float m, float s, const float* scale, const float* bias, float* y,
                                    int64_t n) {
  const __m256 vm = C8(m), vs = C8(s);
  int64_t i = 0;
  if (bias) {
    for (; i + 8 <= n; i += 8) {
      const __m256 d = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(x + i), vm), vs);
      _mm256_storeu_ps(y + i, _mm256_fmadd_ps(d, _mm256_loadu_ps(scale + i), _mm256_loadu_ps(bias + i)));
    }
    for (; i < n; ++i) y[i] = (x[i] - m) * s * scale[i] + bias[i];
  } else {
    for (; i + 8 <= n; i += 8) {
      const __m256 d = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(x + i), vm), vs);
      _mm256_storeu_ps(y + i, _mm256_mul_ps(d, _mm256_loadu_ps(scale + i)));
    }
    for (; i < n; ++i) y[i] = (x[i] - m) * s * scale[i];
  }
}

#undef C8
#endif  // SRT_VM_HAVE_AVX2

#if defined(SRT_VM_HAVE_AVX2)
bool env_forces_scalar() {
  const char* v = std::getenv("SRT_VEC_MATH_SCALAR");
  return v && *v && std::strcmp(v, "0") != 0;
}

bool use_avx2() {
  static const bool use = cpu_has_avx2_fma() && !env_forces_scalar();
  return use;
}
#endif

constexpr int64_t kBlock = 256;  // floats of stack buffer in the portable row helpers

}  // namespace

const UnaryTable& scalar_table() { return kScalar; }

const UnaryTable* avx2_table() {
#if defined(SRT_VM_HAVE_AVX2)
  if (cpu_has_avx2_fma()) return &kAvx2;
#endif
  return nullptr;
}

const UnaryTable& active() {
#if defined(SRT_VM_HAVE_AVX2)
  if (use_avx2()) return kAvx2;
#endif
  return kScalar;
}

float max(const float* x, int64_t n) {
#if defined(SRT_VM_HAVE_AVX2)
  if (use_avx2()) return max_v(x, n);
#endif
  float m = -kInf;
  for (int64_t i = 0; i < n; ++i) m = x[i] > m ? x[i] : m;
  return m;
}

double exp_shift_sum(const float* x, float shift, float* y, int64_t n) {
#if defined(SRT_VM_HAVE_AVX2)
  if (use_avx2()) return exp_shift_sum_v(x, shift, y, n);
#endif
  // In blocks: the exp loop vectorises, the sum in double stays in order.
  double sum = 0;
  float buf[kBlock];
  for (int64_t i0 = 0; i0 < n; i0 += kBlock) {
    const int64_t b = std::min<int64_t>(kBlock, n - i0);
    float* e = y ? y + i0 : buf;
    for (int64_t i = 0; i < b; ++i) e[i] = exp_s(x[i0 + i] - shift);
    for (int64_t i = 0; i < b; ++i) sum += e[i];
  }
  return sum;
}

void scale(float* y, float s, int64_t n) {
#if defined(SRT_VM_HAVE_AVX2)
  if (use_avx2()) return scale_v(y, s, n);
#endif
  for (int64_t i = 0; i < n; ++i) y[i] *= s;
}

void sub2(const float* x, float a, float b, float* y, int64_t n) {
#if defined(SRT_VM_HAVE_AVX2)
  if (use_avx2()) return sub2_v(x, a, b, y, n);
#endif
  for (int64_t i = 0; i < n; ++i) y[i] = (x[i] - a) - b;
}

void max_into(float* m, const float* x, int64_t n) {
#if defined(SRT_VM_HAVE_AVX2)
  if (use_avx2()) return max_into_v(m, x, n);
#endif
  for (int64_t i = 0; i < n; ++i) m[i] = x[i] > m[i] ? x[i] : m[i];
}

void exp_sub_accumulate(const float* x, const float* m, float* y, double* sum, int64_t n) {
#if defined(SRT_VM_HAVE_AVX2)
  if (use_avx2()) return exp_sub_accumulate_v(x, m, y, sum, n);
#endif
  float buf[kBlock];
  for (int64_t i0 = 0; i0 < n; i0 += kBlock) {
    const int64_t b = std::min<int64_t>(kBlock, n - i0);
    float* e = y ? y + i0 : buf;
    for (int64_t i = 0; i < b; ++i) e[i] = exp_s(x[i0 + i] - m[i0 + i]);
    for (int64_t i = 0; i < b; ++i) sum[i0 + i] += e[i];
  }
}

double sum_f64(const float* x, int64_t n) {
#if defined(SRT_VM_HAVE_AVX2)
  if (use_avx2()) return sum_f64_v(x, n);
#endif
  double s = 0;
  for (int64_t i = 0; i < n; ++i) s += x[i];
  return s;
}

double sum_sq_dev_f64(const float* x, double mean, int64_t n) {
#if defined(SRT_VM_HAVE_AVX2)
  if (use_avx2()) return sum_sq_dev_f64_v(x, mean, n);
#endif
  double s = 0;
  for (int64_t i = 0; i < n; ++i) {
    const double d = x[i] - mean;
    s += d * d;
  }
  return s;
}

void normalize_affine(const float* x, float m, float s, const float* scale, const float* bias, float* y, int64_t n) {
#if defined(SRT_VM_HAVE_AVX2)
  if (use_avx2()) return normalize_affine_v(x, m, s, scale, bias, y, n);
#endif
  if (bias) {
    for (int64_t i = 0; i < n; ++i) y[i] = (x[i] - m) * s * scale[i] + bias[i];
  } else {
    for (int64_t i = 0; i < n; ++i) y[i] = (x[i] - m) * s * scale[i];
  }
}

}  // namespace vm
}  // namespace srt
