// GEMM micro-benchmark (see gemm_bench.cc): used by the binding's benchGemm() for `npm run bench`.
#pragma once
#include <cstdint>

namespace srt {

// The best aggregate FMA throughput of `threads` threads running independent FMA chains at once,
// in GFLOP/s (AVX2/FMA where the CPU has it, else the portable loop), over about `seconds`.
double measure_fma_peak_gflops(int threads, double seconds);
// sgemm's GFLOP/s on M x N x K (B a pre-packed weight, transB = 1), median over about `seconds`.
double measure_sgemm_gflops(int64_t M, int64_t N, int64_t K, int threads, double seconds);

}  // namespace srt
