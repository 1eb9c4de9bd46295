// Accuracy check of native/cpu/vec_math.cc (not part of the addon build, which only compiles
// native/cpu/*.cc): every float32 input (or every STEP-th bit pattern) of each function, on the
// scalar path and on the AVX2/FMA path when the CPU has it, against a double-precision reference.
// Prints the max error in ulp of the exact result (ulps of float at the result's binade, 2^-149
// in the denormal range), where it occurs, how many results are off by more than 1 and 2 ulp, and
// the count of wrong special values (see ulp_error), then special values and a check of the
// vector tails and in-place use.
//
//   g++ -O2 -fopenmp -I native native/cpu/test/vec_math_check.cc native/cpu/vec_math.cc -o /tmp/vm_check
//   /tmp/vm_check [STEP=1] [function...]
#include <algorithm>
#include <cfloat>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "cpu/vec_math.h"

namespace {

using srt::vm::UnaryTable;
using Fn = void (*)(const float*, float*, int64_t);

float u2f(uint32_t u) { float f; std::memcpy(&f, &u, 4); return f; }
uint32_t f2u(float f) { uint32_t u; std::memcpy(&u, &f, 4); return u; }

double ref_sigmoid(double x) { return x >= 0 ? 1.0 / (1.0 + std::exp(-x)) : std::exp(x) / (1.0 + std::exp(x)); }

struct Func {
  const char* name;
  Fn UnaryTable::*fn;
  double (*ref)(float);
  // Inputs below this are reported on a line of their own (Gelu tanh: for x < -2 the float
  // rounding of the argument z = 2√(2/π)(x + 0.044715x³) alone costs |z| 2^-23 relative, as in any
  // float implementation of the operator).
  float split = -INFINITY;
};

const Func kFuncs[] = {
    {"exp", &UnaryTable::exp, [](float x) { return std::exp((double)x); }},
    {"log", &UnaryTable::log, [](float x) { return std::log((double)x); }},
    {"tanh", &UnaryTable::tanh, [](float x) { return std::tanh((double)x); }},
    {"sigmoid", &UnaryTable::sigmoid, [](float x) { return ref_sigmoid(x); }},
    {"softplus", &UnaryTable::softplus,
     [](float x) { double d = x; return d > 0 ? d + std::log1p(std::exp(-d)) : std::log1p(std::exp(d)); }},
    {"erf", &UnaryTable::erf, [](float x) { return std::erf((double)x); }},
    {"gelu_erf", &UnaryTable::gelu_erf,
     [](float x) { double t = std::fabs(x) / std::sqrt(2.0); return x >= 0 ? 0.5 * x * (1.0 + std::erf(t)) : 0.5 * x * std::erfc(t); }},
    {"gelu_tanh", &UnaryTable::gelu_tanh,
     [](float x) { double d = x; return d * ref_sigmoid(2 * std::sqrt(2 / M_PI) * (d + 0.044715 * d * d * d)); },
     -2.0f},
    {"sqrt", &UnaryTable::sqrt, [](float x) { return std::sqrt((double)x); }},
    {"reciprocal", &UnaryTable::reciprocal, [](float x) { return 1.0 / (double)x; }},
};

struct Stats {
  double max_ulp = 0;
  float at = 0;
  float got = 0;
  double want = 0;
  uint64_t over1 = 0, over2 = 0, special = 0, checked = 0;
  float special_at = 0;
  void merge(const Stats& o) {
    if (o.max_ulp > max_ulp) { max_ulp = o.max_ulp; at = o.at; got = o.got; want = o.want; }
    if (o.special && !special) special_at = o.special_at;
    over1 += o.over1; over2 += o.over2; special += o.special; checked += o.checked;
  }
};

// Error of y against the exact value r, in ulp of float at r's binade; -1 for a wrong special value:
// NaN where r is not NaN or the reverse, an infinity where the rounded r is finite or the reverse
// (or of the other sign), and a saturated result (r rounds to exactly ±1) missed by 1 ulp or more.
double ulp_error(float y, double r) {
  const bool rn = std::isnan(r), yn = std::isnan(y);
  if (rn || yn) return rn == yn ? 0 : -1;
  const float rf = static_cast<float>(r);  // correctly rounded result
  if (std::isinf(rf) || std::isinf(y)) return rf == y ? 0 : -1;
  const double a = std::fabs(r);
  int e = a == 0 ? -126 : std::ilogb(a);
  if (e < -126) e = -126;
  const double err = std::fabs((double)y - r) / std::ldexp(1.0, e - 23);
  if (std::fabs(rf) == 1.0f && y != rf && err >= 1) return -1;
  return err;
}

void sweep(const Func& f, Fn fn, uint64_t step, Stats& all, Stats& tail) {
  const int64_t kBlock = 1 << 16;
  const uint64_t total = (uint64_t(1) << 32) / step;
  const int64_t blocks = (int64_t)((total + kBlock - 1) / kBlock);
#pragma omp parallel
  {
    Stats main_st, tail_st;
    std::vector<float> x(kBlock), y(kBlock);
#pragma omp for schedule(dynamic, 16)
    for (int64_t b = 0; b < blocks; ++b) {
      const uint64_t first = (uint64_t)b * kBlock;
      const int64_t n = (int64_t)std::min<uint64_t>(kBlock, total - first);
      for (int64_t i = 0; i < n; ++i) x[i] = u2f((uint32_t)((first + i) * step));
      fn(x.data(), y.data(), n);
      for (int64_t i = 0; i < n; ++i) {
        const double r = f.ref(x[i]);
        const double e = ulp_error(y[i], r);
        Stats& st = x[i] < f.split ? tail_st : main_st;
        ++st.checked;
        if (e < 0) {
          if (!st.special) st.special_at = x[i];
          ++st.special;
          continue;
        }
        if (e > 1) ++st.over1;
        if (e > 2) ++st.over2;
        if (e > st.max_ulp) { st.max_ulp = e; st.at = x[i]; st.got = y[i]; st.want = r; }
      }
    }
#pragma omp critical
    {
      all.merge(main_st);
      tail.merge(tail_st);
    }
  }
}

void print_row(const char* name, const char* path, const Stats& s) {
  std::printf("%-15s %-7s %9.3f %15.9g %16.9g %16.9g %9" PRIu64 " %9" PRIu64 " %8" PRIu64, name, path, s.max_ulp, s.at,
              s.got, s.want, s.over1, s.over2, s.special);
  if (s.special) std::printf("  (first at x = %.9g)", s.special_at);
  std::printf("\n");
  std::fflush(stdout);
}

// Every length 0..40 at every offset agrees with element-by-element calls, also in place.
int check_tails(const UnaryTable& t) {
  int bad = 0;
  std::vector<float> src(64), a(64), b(64);
  for (int i = 0; i < 64; ++i) src[i] = -9.0f + 0.3f * i;
  for (const Func& f : kFuncs) {
    const Fn fn = t.*(f.fn);
    for (int n = 0; n <= 40; ++n) {
      for (int i = 0; i < 64; ++i) a[i] = b[i] = -7.0f;
      fn(src.data() + 3, a.data() + 3, n);
      for (int i = 0; i < n; ++i) fn(src.data() + 3 + i, b.data() + 3 + i, 1);
      std::vector<float> inplace(src.begin() + 3, src.begin() + 3 + n);
      fn(inplace.data(), inplace.data(), n);
      for (int i = 0; i < 64; ++i)
        if (f2u(a[i]) != f2u(b[i])) ++bad;
      for (int i = 0; i < n; ++i)
        if (f2u(inplace[i]) != f2u(a[i + 3])) ++bad;
    }
  }
  return bad;
}

void spot(const UnaryTable& t) {
  struct S { const char* what; Fn UnaryTable::*fn; float x; };
  const S cases[] = {
      {"exp(100)", &UnaryTable::exp, 100.f}, {"exp(88.72)", &UnaryTable::exp, 88.72f},
      {"exp(-100)", &UnaryTable::exp, -100.f}, {"exp(-103.9)", &UnaryTable::exp, -103.9f},
      {"exp(-104)", &UnaryTable::exp, -104.f}, {"exp(-inf)", &UnaryTable::exp, -INFINITY},
      {"exp(inf)", &UnaryTable::exp, INFINITY}, {"exp(nan)", &UnaryTable::exp, NAN},
      {"log(0)", &UnaryTable::log, 0.f}, {"log(-1)", &UnaryTable::log, -1.f},
      {"log(1e-45)", &UnaryTable::log, 1e-45f}, {"log(inf)", &UnaryTable::log, INFINITY},
      {"tanh(1e-30)", &UnaryTable::tanh, 1e-30f}, {"tanh(-1e-40)", &UnaryTable::tanh, -1e-40f},
      {"tanh(9.5)", &UnaryTable::tanh, 9.5f}, {"tanh(-50)", &UnaryTable::tanh, -50.f},
      {"tanh(-inf)", &UnaryTable::tanh, -INFINITY}, {"tanh(nan)", &UnaryTable::tanh, NAN},
      {"sigmoid(-100)", &UnaryTable::sigmoid, -100.f}, {"sigmoid(100)", &UnaryTable::sigmoid, 100.f},
      {"sigmoid(-inf)", &UnaryTable::sigmoid, -INFINITY}, {"sigmoid(inf)", &UnaryTable::sigmoid, INFINITY},
      {"softplus(100)", &UnaryTable::softplus, 100.f}, {"softplus(-100)", &UnaryTable::softplus, -100.f},
      {"softplus(1e30)", &UnaryTable::softplus, 1e30f}, {"softplus(inf)", &UnaryTable::softplus, INFINITY},
      {"softplus(-inf)", &UnaryTable::softplus, -INFINITY}, {"softplus(nan)", &UnaryTable::softplus, NAN},
      {"erf(1e-40)", &UnaryTable::erf, 1e-40f}, {"erf(-4)", &UnaryTable::erf, -4.f},
      {"erf(inf)", &UnaryTable::erf, INFINITY}, {"erf(nan)", &UnaryTable::erf, NAN},
      {"gelu_erf(-10)", &UnaryTable::gelu_erf, -10.f}, {"gelu_erf(inf)", &UnaryTable::gelu_erf, INFINITY},
      {"gelu_erf(-inf)", &UnaryTable::gelu_erf, -INFINITY}, {"gelu_erf(nan)", &UnaryTable::gelu_erf, NAN},
      {"gelu_tanh(-10)", &UnaryTable::gelu_tanh, -10.f}, {"gelu_tanh(1e20)", &UnaryTable::gelu_tanh, 1e20f},
      {"gelu_tanh(inf)", &UnaryTable::gelu_tanh, INFINITY}, {"gelu_tanh(-inf)", &UnaryTable::gelu_tanh, -INFINITY},
  };
  std::printf("  spot values (%s):", t.name);
  int k = 0;
  for (const S& s : cases) {
    float y;
    (t.*(s.fn))(&s.x, &y, 1);
    std::printf("%s %s = %.9g", k++ % 4 ? "," : "\n   ", s.what, y);
  }
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t step = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1;
  if (step == 0) step = 1;
  std::vector<std::string> only(argv + (argc > 1 ? 2 : 1), argv + argc);
  std::vector<const UnaryTable*> paths = {&srt::vm::scalar_table()};
  if (srt::vm::avx2_table()) paths.push_back(srt::vm::avx2_table());
  else std::printf("(no AVX2/FMA on this CPU: scalar path only)\n");
  std::printf("sweep: every %" PRIu64 "-th of the 2^32 bit patterns\n", step);
  std::printf("%-15s %-7s %9s %15s %16s %16s %9s %9s %8s\n", "function", "path", "max ulp", "at x", "got", "want", ">1 ulp",
              ">2 ulp", "special");
  int bad_tails = 0;
  for (const UnaryTable* t : paths) bad_tails += check_tails(*t);
  for (const Func& f : kFuncs) {
    if (!only.empty() && std::find(only.begin(), only.end(), f.name) == only.end()) continue;
    for (const UnaryTable* t : paths) {
      Stats s, tail;
      sweep(f, t->*(f.fn), step, s, tail);
      print_row(f.name, t->name, s);
      if (tail.checked) print_row((std::string(f.name) + " (x<" + std::to_string((int)f.split) + ")").c_str(), t->name, tail);
    }
  }
  for (const UnaryTable* t : paths) spot(*t);
  std::printf("tails/in-place mismatches: %d\n", bad_tails);
  return 0;
}
