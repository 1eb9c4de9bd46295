// The GEMM micro-benchmark behind `npm run bench`: sgemm's GFLOP/s on M x N x K with the weight
// pre-packed (as a Gemm node's B is at plan compile), and the machine's measured FMA peak on the
// same number of threads, so the first can be reported as a fraction of the second.
#include "cpu/gemm_bench.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include "core/thread_pool.h"
#include "cpu/gemm.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define SRT_BENCH_X86 1
#endif

namespace srt {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

#ifdef SRT_BENCH_X86
// 12 independent 8-wide FMA chains: enough to cover the FMA latency on both pipes of current x86
// cores, so the loop runs at the core's FMA throughput. Returns the flops done.
__attribute__((target("avx2,fma"))) double fma_loop_avx2(int64_t iters, float* sink) {
  __m256 acc[12];
  for (int i = 0; i < 12; ++i) acc[i] = _mm256_set1_ps(0.001f * static_cast<float>(i));
  const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
  for (int64_t it = 0; it < iters; ++it) {
    for (int i = 0; i < 12; ++i) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
  }
  __m256 s = acc[0];
  for (int i = 1; i < 12; ++i) s = _mm256_add_ps(s, acc[i]);
  float out[8];
  _mm256_storeu_ps(out, s);
  *sink = out[0];
  return static_cast<double>(iters) * 12 * 8 * 2;
}
#endif

// The portable version: 8 independent scalar chains (what the compiler makes of them).
double fma_loop_portable(int64_t iters, float* sink) {
  float acc[8];
  for (int i = 0; i < 8; ++i) acc[i] = 0.001f * static_cast<float>(i);
  for (int64_t it = 0; it < iters; ++it)
    for (int i = 0; i < 8; ++i) acc[i] = acc[i] * 0.999999f + 1e-7f;
  float s = 0;
  for (float v : acc) s += v;
  *sink = s;
  return static_cast<double>(iters) * 8 * 2;
}

bool has_avx2_fma() {
#ifdef SRT_BENCH_X86
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

double fma_loop(int64_t iters, float* sink) {
#ifdef SRT_BENCH_X86
  if (has_avx2_fma()) return fma_loop_avx2(iters, sink);
#endif
  return fma_loop_portable(iters, sink);
}

}  // namespace

Throughput measure_fma_peak_gflops(int threads, double seconds) {
  threads = std::max(1, threads);
  // Calibrate one thread's iterations for about seconds / 5, then run all threads together
  // several times and keep the best (the peak is what the hardware can do, not an average).
  float sink = 0;
  int64_t iters = 1 << 16;
  for (;;) {
    const auto t0 = Clock::now();
    fma_loop(iters, &sink);
    if (seconds_since(t0) > seconds / 20 || iters > (int64_t(1) << 40)) break;
    iters *= 2;
  }
  std::vector<double> rates;
  const auto start = Clock::now();
  do {
    std::vector<std::thread> pool;
    std::vector<float> sinks(threads);
    std::atomic<int> ready{0};
    std::atomic<bool> go{false};
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        ready.fetch_add(1);
        while (!go.load()) std::this_thread::yield();
        fma_loop(iters, &sinks[t]);
      });
    }
    while (ready.load() < threads) std::this_thread::yield();
    const auto t0 = Clock::now();
    go.store(true);
    for (auto& th : pool) th.join();
    const double dt = seconds_since(t0);
    const double flops = static_cast<double>(threads) * (has_avx2_fma() ? iters * 12.0 * 8 * 2 : iters * 8.0 * 2);
    rates.push_back(flops / dt / 1e9);
  } while (rates.size() < 3 || seconds_since(start) < seconds);
  std::sort(rates.begin(), rates.end());
  return {rates.back(), rates[rates.size() / 2]};
}

Throughput measure_sgemm_gflops(int64_t M, int64_t N, int64_t K, int threads, double seconds) {
  ThreadPool pool(std::max(1, threads));
  ExecContext ctx(&pool);
  std::vector<float> A(static_cast<size_t>(M * K)), B(static_cast<size_t>(K * N)), C(static_cast<size_t>(M * N));
  uint32_t s = 12345;
  auto rnd = [&s] {
    s = s * 1664525u + 1013904223u;
    return static_cast<float>(s >> 8) / 16777216.0f - 0.5f;
  };
  for (float& v : A) v = rnd();
  for (float& v : B) v = rnd();
  // B is the weight, packed once as a Gemm node's is at plan compile (transB = 1, as PyTorch exports).
  std::vector<float> Bt(static_cast<size_t>(N * K));
  for (int64_t k = 0; k < K; ++k)
    for (int64_t n = 0; n < N; ++n) Bt[n * K + k] = B[k * N + n];
  auto packed = sgemm_packs(false, true, M, N, K) ? sgemm_pack_b(true, K, N, Bt.data(), K) : nullptr;
  auto once = [&] {
    sgemm(false, true, M, N, K, 1.0f, A.data(), K, Bt.data(), K, 0.0f, C.data(), N, ctx, nullptr, packed.get());
  };
  std::vector<double> times;
  pool.run_on_lead([&] {
    once();  // warm-up
    const auto start = Clock::now();
    do {
      const auto t0 = Clock::now();
      once();
      times.push_back(seconds_since(t0));
    } while (times.size() < 3 || (seconds_since(start) < seconds && times.size() < 10000));
  });
  std::sort(times.begin(), times.end());
  const double flops = 2.0 * static_cast<double>(M) * N * K;
  return {flops / times.front() / 1e9, flops / times[times.size() / 2] / 1e9};
}

}  // namespace srt
