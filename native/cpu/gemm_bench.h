// GEMM micro-benchmark (see gemm_bench.cc): used by the binding's benchGemm() for `npm run bench`.
#pragma once
#include <cstdint>

namespace srt {

// A throughput measured repeatedly: the best and the median of the repetitions, in GFLOP/s. The
// best is what the hardware can do; the median, what it did on a machine shared with others.
struct Throughput {
  double best = 0, median = 0;
};

// The aggregate FMA throughput of `threads` threads running independent FMA chains at once (AVX2/
// FMA where the CPU has it, else the portable loop), over about `seconds`.
Throughput measure_fma_peak_gflops(int threads, double seconds);
// sgemm's throughput on M x N x K (B a pre-packed weight, transB = 1) over about `seconds`, called
// from the pool's lead thread as a model run is (Engine::runs_on_lead).
Throughput measure_sgemm_gflops(int64_t M, int64_t N, int64_t K, int threads, double seconds);

}  // namespace srt
