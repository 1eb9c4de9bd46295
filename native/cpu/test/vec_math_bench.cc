// Timing of the vec_math array functions against the element-by-element libm loops the CPU
// kernels used before (std::exp, std::tanh, ...), over 1M floats (not part of the addon build):
//   g++ -O3 -I native native/cpu/test/vec_math_bench.cc native/cpu/vec_math.cc -o /tmp/vm_bench && /tmp/vm_bench
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "cpu/vec_math.h"

using srt::vm::ArrayFn;
using srt::vm::UnaryTable;

namespace {

template <class F>
double best_ns_per_elem(F&& f, int64_t n) {
  double best = 1e30;
  for (int rep = 0; rep < 15; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    const double dt = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
    best = std::min(best, dt / n);
  }
  return best;
}

float sigmoid_libm(float x) { return x >= 0 ? 1.0f / (1.0f + std::exp(-x)) : std::exp(x) / (1.0f + std::exp(x)); }
float softplus_libm(float x) { return std::log1p(std::exp(-std::fabs(x))) + (x > 0 ? x : 0.0f); }
float gelu_libm(float x) { return 0.5f * x * (1.0f + std::erf(x * 0.7071067811865476f)); }
float gelu_tanh_libm(float x) {
  return 0.5f * x * (1.0f + std::tanh(0.7978845608028654f * (x + 0.044715f * x * x * x)));
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t n = argc > 1 ? std::atoll(argv[1]) : 1 << 20;
  std::vector<float> x(n), y(n);
  std::mt19937 rng(42);
  std::uniform_real_distribution<float> d(-5.0f, 5.0f);
  for (float& v : x) v = d(rng);
  struct Row { const char* name; float (*libm)(float); ArrayFn UnaryTable::*fn; bool positive; };
  const Row rows[] = {
      {"exp", [](float v) { return std::exp(v); }, &UnaryTable::exp, false},
      {"log", [](float v) { return std::log(v); }, &UnaryTable::log, true},
      {"tanh", [](float v) { return std::tanh(v); }, &UnaryTable::tanh, false},
      {"sigmoid", sigmoid_libm, &UnaryTable::sigmoid, false},
      {"softplus", softplus_libm, &UnaryTable::softplus, false},
      {"erf", [](float v) { return std::erf(v); }, &UnaryTable::erf, false},
      {"gelu_erf", gelu_libm, &UnaryTable::gelu_erf, false},
      {"gelu_tanh", gelu_tanh_libm, &UnaryTable::gelu_tanh, false},
  };
  std::vector<float> xp(n);
  for (int64_t i = 0; i < n; ++i) xp[i] = std::fabs(x[i]) + 1e-3f;
  std::printf("%lld floats in [-5, 5] (log: (0, 5]), ns per element, best of 15, one thread\n", (long long)n);
  std::printf("%-10s %10s %10s %10s\n", "function", "libm loop", "scalar", "avx2");
  const UnaryTable* avx = srt::vm::avx2_table();
  for (const Row& r : rows) {
    const float* in = r.positive ? xp.data() : x.data();
    const double libm = best_ns_per_elem([&] { for (int64_t i = 0; i < n; ++i) y[i] = r.libm(in[i]); }, n);
    const double sc = best_ns_per_elem([&] { (srt::vm::scalar_table().*(r.fn))(in, y.data(), n); }, n);
    const double av = avx ? best_ns_per_elem([&] { (avx->*(r.fn))(in, y.data(), n); }, n) : 0;
    std::printf("%-10s %10.2f %10.2f %10.2f\n", r.name, libm, sc, av);
  }
  return 0;
}
