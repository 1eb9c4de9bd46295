// Portable single-precision GEMM: BLIS-style blocking (NC x KC panels of op(B), MC x KC blocks of
// op(A), both packed into contiguous micro-panels) around an MR x NR register-tile micro-kernel
// written as plain loops that the compiler unrolls and vectorises at -O3. No intrinsics: a later
// issue adds an AVX2/FMA micro-kernel behind the same sgemm() signature.
//
// Skinny products (a few rows, as in MLP inference at batch 1, or a few columns) skip the packing
// and stream the operands directly, which is what bounds them anyway.
#include "cpu/gemm.h"

#include <algorithm>
#include <vector>

namespace srt {
namespace {

// Register tile: MR rows x NR columns of C held in accumulators across the k loop. The shapes
// were chosen by measurement with GCC 12 at -O3: the compiler's SLP vectoriser turns the tile into
// 8 xmm accumulators (SSE2, the x86-64 baseline the build uses) or 12 ymm accumulators (AVX
// builds). Other shapes (6x16, 4x16 under AVX2) measured 5-10x slower: change with care.
#if defined(__AVX__)
constexpr int64_t kMR = 4;
constexpr int64_t kNR = 24;
#else
constexpr int64_t kMR = 4;
constexpr int64_t kNR = 8;
#endif
// Cache blocking: a KC x NR micro-panel of op(B) stays in L1 while the MC x KC block of op(A)
// (96 KiB) stays in L2; the KC x NC panel of op(B) (at most 2 MiB) is streamed from L2/L3.
constexpr int64_t kKC = 256;
constexpr int64_t kMC = 96;    // multiple of kMR
constexpr int64_t kNC = 2016;  // multiple of kNR (8 and 24)
// Products with at most this many rows (or columns) take the unpacked streaming path.
constexpr int64_t kSkinny = 4;
constexpr int64_t kKeepSkinny = int64_t(1) << 18;  // floats of gathered operand kept per thread
static_assert(kMC % kMR == 0 && kNC % kNR == 0, "blocks must hold whole micro-panels");

#if defined(__GNUC__)
#define SRT_NOINLINE __attribute__((noinline))
#elif defined(_MSC_VER)
#define SRT_NOINLINE __declspec(noinline)
#else
#define SRT_NOINLINE
#endif

// a * b + c; compilers contract it to one FMA where the target has one (GCC does by default in
// GNU mode, which the CMake build uses). std::fma would block the vectoriser.
inline float madd(float a, float b, float c) { return a * b + c; }

// Per-thread packing buffers: they only grow, to at most the block sizes above, and are never
// shared between threads except the B panel, which the calling thread fills before the
// parallel region and only reads inside it.
std::vector<float>& pack_a_buffer() {
  thread_local std::vector<float> buf;
  return buf;
}
std::vector<float>& pack_b_buffer() {
  thread_local std::vector<float> buf;
  return buf;
}
std::vector<float>& skinny_buffer() {
  thread_local std::vector<float> buf;
  return buf;
}

// C (m x n) = beta * C, where beta == 0 writes zeros without reading.
void scale_c(int64_t m, int64_t n, float beta, float* C, int64_t ldc) {
  if (beta == 1.f) return;
  for (int64_t i = 0; i < m; ++i) {
    float* c = C + i * ldc;
    if (beta == 0.f)
      std::fill(c, c + n, 0.f);
    else
      for (int64_t j = 0; j < n; ++j) c[j] *= beta;
  }
}

// Packs op(A)[ic .. ic+mc, pc .. pc+kc) as ceil(mc / MR) micro-panels, each kc x MR (k-major),
// scaled by alpha and zero-padded to MR rows.
void pack_a(bool trans_a, const float* A, int64_t lda, int64_t ic, int64_t pc, int64_t mc, int64_t kc, float alpha,
            float* __restrict out) {
  for (int64_t ir = 0; ir < mc; ir += kMR) {
    const int64_t mr = std::min(kMR, mc - ir);
    float* __restrict p = out + ir * kc;
    if (!trans_a) {
      // op(A)[i][k] = A[i * lda + k]: read each row contiguously, write with stride MR.
      for (int64_t i = 0; i < mr; ++i) {
        const float* a = A + (ic + ir + i) * lda + pc;
        for (int64_t k = 0; k < kc; ++k) p[k * kMR + i] = alpha * a[k];
      }
    } else {
      // op(A)[i][k] = A[k * lda + i]: MR contiguous values per k.
      for (int64_t k = 0; k < kc; ++k) {
        const float* a = A + (pc + k) * lda + ic + ir;
        for (int64_t i = 0; i < mr; ++i) p[k * kMR + i] = alpha * a[i];
      }
    }
    if (mr < kMR)
      for (int64_t k = 0; k < kc; ++k)
        for (int64_t i = mr; i < kMR; ++i) p[k * kMR + i] = 0.f;
  }
}

// Packs op(B)[pc .. pc+kc, jc .. jc+nc) as ceil(nc / NR) micro-panels, each kc x NR (k-major),
// zero-padded to NR columns.
void pack_b(bool trans_b, const float* B, int64_t ldb, int64_t pc, int64_t jc, int64_t kc, int64_t nc,
            float* __restrict out) {
  for (int64_t jr = 0; jr < nc; jr += kNR) {
    const int64_t nr = std::min(kNR, nc - jr);
    float* __restrict p = out + jr * kc;
    if (!trans_b) {
      // op(B)[k][j] = B[k * ldb + j]: NR contiguous values per k.
      if (nr == kNR) {
        for (int64_t k = 0; k < kc; ++k) {
          const float* b = B + (pc + k) * ldb + jc + jr;
          for (int64_t j = 0; j < kNR; ++j) p[k * kNR + j] = b[j];
        }
      } else {
        for (int64_t k = 0; k < kc; ++k) {
          const float* b = B + (pc + k) * ldb + jc + jr;
          for (int64_t j = 0; j < nr; ++j) p[k * kNR + j] = b[j];
          for (int64_t j = nr; j < kNR; ++j) p[k * kNR + j] = 0.f;
        }
      }
    } else {
      // op(B)[k][j] = B[j * ldb + k]: read each row of B contiguously, write with stride NR.
      for (int64_t j = 0; j < nr; ++j) {
        const float* b = B + (jc + jr + j) * ldb + pc;
        for (int64_t k = 0; k < kc; ++k) p[k * kNR + j] = b[k];
      }
      if (nr < kNR)
        for (int64_t k = 0; k < kc; ++k)
          for (int64_t j = nr; j < kNR; ++j) p[k * kNR + j] = 0.f;
    }
  }
}

// C[0..mr, 0..nr) = acc + beta * C (beta == 0: C is not read) for one MR x NR tile, where
// acc = sum over k of a[k] (MR values) outer b[k] (NR values).
SRT_NOINLINE void micro_kernel(int64_t kc, const float* __restrict a, const float* __restrict b, float* __restrict C, int64_t ldc,
                  int64_t mr, int64_t nr, float beta) {
  float acc[kMR][kNR];
  for (int64_t i = 0; i < kMR; ++i)
    for (int64_t j = 0; j < kNR; ++j) acc[i][j] = 0.f;
  for (int64_t k = 0; k < kc; ++k) {
    for (int64_t i = 0; i < kMR; ++i) {
      const float ai = a[i];
      for (int64_t j = 0; j < kNR; ++j) acc[i][j] = madd(ai, b[j], acc[i][j]);
    }
    a += kMR;
    b += kNR;
  }
  if (mr == kMR && nr == kNR) {
    if (beta == 0.f) {
      for (int64_t i = 0; i < kMR; ++i)
        for (int64_t j = 0; j < kNR; ++j) C[i * ldc + j] = acc[i][j];
    } else if (beta == 1.f) {
      for (int64_t i = 0; i < kMR; ++i)
        for (int64_t j = 0; j < kNR; ++j) C[i * ldc + j] += acc[i][j];
    } else {
      for (int64_t i = 0; i < kMR; ++i)
        for (int64_t j = 0; j < kNR; ++j) C[i * ldc + j] = madd(beta, C[i * ldc + j], acc[i][j]);
    }
  } else {
    for (int64_t i = 0; i < mr; ++i)
      for (int64_t j = 0; j < nr; ++j) {
        float& c = C[i * ldc + j];
        c = beta == 0.f ? acc[i][j] : madd(beta, c, acc[i][j]);
      }
  }
}

// Waking the pool's threads costs microseconds: products smaller than this many multiply-adds
// (batch-1 MLP layers, small convolutions) stay on the calling thread.
constexpr int64_t kThreadedWork = int64_t(1) << 22;

void sgemm_packed(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
                  int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc, ExecContext& ctx) {
  const int64_t kc_max = std::min(K, kKC);
  const int64_t nc_max = (std::min(N, kNC) + kNR - 1) / kNR * kNR;
  std::vector<float>& bbuf = pack_b_buffer();
  if (bbuf.size() < static_cast<size_t>(kc_max * nc_max)) bbuf.resize(kc_max * nc_max);
  float* bp = bbuf.data();
  const int64_t m_blocks = (M + kMC - 1) / kMC;
  const bool threaded = M * N * K >= kThreadedWork;

  for (int64_t jc = 0; jc < N; jc += kNC) {
    const int64_t nc = std::min(kNC, N - jc);
    for (int64_t pc = 0; pc < K; pc += kKC) {
      const int64_t kc = std::min(kKC, K - pc);
      pack_b(trans_b, B, ldb, pc, jc, kc, nc, bp);
      // Only the first K block applies the caller's beta; later ones accumulate.
      const float beta_k = pc == 0 ? beta : 1.f;
      auto body = [&](int64_t b0, int64_t b1) {
        std::vector<float>& abuf = pack_a_buffer();
        const int64_t mc_max = std::min(M, kMC);
        const int64_t need = (mc_max + kMR - 1) / kMR * kMR * kc;
        if (abuf.size() < static_cast<size_t>(need)) abuf.resize(need);
        float* ap = abuf.data();
        for (int64_t blk = b0; blk < b1; ++blk) {
          const int64_t ic = blk * kMC;
          const int64_t mc = std::min(kMC, M - ic);
          pack_a(trans_a, A, lda, ic, pc, mc, kc, alpha, ap);
          for (int64_t jr = 0; jr < nc; jr += kNR) {
            const int64_t nr = std::min(kNR, nc - jr);
            for (int64_t ir = 0; ir < mc; ir += kMR) {
              const int64_t mr = std::min(kMR, mc - ir);
              micro_kernel(kc, ap + ir * kc, bp + jr * kc, C + (ic + ir) * ldc + jc + jr, ldc, mr, nr, beta_k);
            }
          }
        }
      };
      if (threaded) ctx.parallel_for(m_blocks, body);
      else body(0, m_blocks);
    }
  }
}

// Skinny products: out[r][s] = sum_k g[r][k] * x(k, s) for R <= kSkinny rows, where g is the
// small operand gathered (scaled by alpha) into a contiguous R x K buffer and x is the large one,
// streamed once from where it lies:
//   x_k_major: x(k, s) = X[k * ldx + s]  -> axpy over contiguous s into an L1-resident chunk;
//   otherwise: x(k, s) = X[s * ldx + k]  -> dot products over contiguous k (8 partial sums).
// The result goes to C[r * c_rs + s * c_ss] = out + beta * C (beta == 0: C is not read).
// Few rows of C:    g = op(A),   x = op(B), c_rs = ldc, c_ss = 1.
// Few columns of C: g = op(B)^T, x = op(A)^T, c_rs = 1, c_ss = ldc.
constexpr int64_t kSB = 256;  // chunk of s per task

void skinny(int64_t R, int64_t S, int64_t K, const float* g, const float* X, int64_t ldx, bool x_k_major,
            float beta, float* C, int64_t c_rs, int64_t c_ss, ExecContext& ctx) {
  const int64_t tasks = (S + kSB - 1) / kSB;
  const bool threaded = R * S * K >= kThreadedWork;
  auto body = [&](int64_t t0, int64_t t1) {
    float acc[kSkinny][kSB];
    for (int64_t t = t0; t < t1; ++t) {
      const int64_t s0 = t * kSB;
      const int64_t sb = std::min(kSB, S - s0);
      if (x_k_major) {
        for (int64_t r = 0; r < R; ++r) {
          float* __restrict c = acc[r];
          std::fill(c, c + sb, 0.f);
          const float* gr = g + r * K;
          int64_t k = 0;
          for (; k + 4 <= K; k += 4) {  // four rows of x per pass over the chunk
            const float a0 = gr[k], a1 = gr[k + 1], a2 = gr[k + 2], a3 = gr[k + 3];
            const float* __restrict x0 = X + k * ldx + s0;
            const float* __restrict x1 = x0 + ldx;
            const float* __restrict x2 = x1 + ldx;
            const float* __restrict x3 = x2 + ldx;
            for (int64_t s = 0; s < sb; ++s)
              c[s] = madd(a3, x3[s], madd(a2, x2[s], madd(a1, x1[s], madd(a0, x0[s], c[s]))));
          }
          for (; k < K; ++k) {
            const float a0 = gr[k];
            const float* __restrict x0 = X + k * ldx + s0;
            for (int64_t s = 0; s < sb; ++s) c[s] = madd(a0, x0[s], c[s]);
          }
        }
      } else {
        for (int64_t s = 0; s < sb; ++s) {
          const float* __restrict x = X + (s0 + s) * ldx;
          for (int64_t r = 0; r < R; ++r) {
            const float* __restrict gr = g + r * K;
            float p[8] = {0, 0, 0, 0, 0, 0, 0, 0};
            int64_t k = 0;
            for (; k + 8 <= K; k += 8)
              for (int u = 0; u < 8; ++u) p[u] = madd(gr[k + u], x[k + u], p[u]);
            float d = ((p[0] + p[4]) + (p[1] + p[5])) + ((p[2] + p[6]) + (p[3] + p[7]));
            for (; k < K; ++k) d = madd(gr[k], x[k], d);
            acc[r][s] = d;
          }
        }
      }
      for (int64_t r = 0; r < R; ++r)
        for (int64_t s = 0; s < sb; ++s) {
          float& c = C[r * c_rs + (s0 + s) * c_ss];
          c = beta == 0.f ? acc[r][s] : madd(beta, c, acc[r][s]);
        }
    }
  };
  if (threaded) ctx.parallel_for(tasks, body);
  else body(0, tasks);
}

}  // namespace

void sgemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
           const float* B, int64_t ldb, float beta, float* C, int64_t ldc, ExecContext& ctx) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0 || alpha == 0.f) {
    scale_c(M, N, beta, C, ldc);
    return;
  }
  if (M <= kSkinny || N <= kSkinny) {
    // Gather the small operand (alpha folded in) into R x K rows.
    const bool few_rows = M <= N;
    const int64_t R = few_rows ? M : N;
    // Kept per thread when small; a one-off buffer when large, so that no thread keeps it.
    std::vector<float> one_off;
    std::vector<float>& buf = R * K <= kKeepSkinny ? skinny_buffer() : one_off;
    if (buf.size() < static_cast<size_t>(R * K)) buf.resize(R * K);
    float* g = buf.data();
    if (few_rows) {  // g[i][k] = op(A)[i][k]
      for (int64_t i = 0; i < M; ++i)
        for (int64_t k = 0; k < K; ++k) g[i * K + k] = alpha * (trans_a ? A[k * lda + i] : A[i * lda + k]);
      skinny(M, N, K, g, B, ldb, !trans_b, beta, C, ldc, 1, ctx);
    } else {  // g[j][k] = op(B)[k][j]
      for (int64_t j = 0; j < N; ++j)
        for (int64_t k = 0; k < K; ++k) g[j * K + k] = alpha * (trans_b ? B[j * ldb + k] : B[k * ldb + j]);
      skinny(N, M, K, g, A, lda, trans_a, beta, C, 1, ldc, ctx);
    }
    return;
  }
  sgemm_packed(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, ctx);
}

}  // namespace srt
