// Portable single-precision GEMM: BLIS-style blocking (NC x KC panels of op(B), MC x KC blocks of
// op(A), both packed into contiguous micro-panels) around an MR x NR register-tile micro-kernel
// written as plain loops that the compiler unrolls and vectorises at -O3. On x86-64 CPUs with
// AVX2 and FMA (checked at run time), a second path with its own blocking and a 6 x 16
// micro-kernel (its k loop in inline assembly) replaces it; only its functions are compiled for
// AVX2/FMA (target attribute), so the build keeps its baseline flags. That path gives each thread
// one rectangle of C (sgemm_tiles) where it can, so that the threads never wait for each other
// inside a product; measured at 90-93% of the FMA peak on Zen (1024-wide products, 1 and 2 threads).
//
// Skinny products (a few rows, as in MLP inference at batch 1, or a few columns) skip the packing
// and stream the operands directly, which is what bounds them anyway.
//
// A constant operand (a weight) can be packed once, at plan compile time, into exactly the layout
// the packing above produces for every block (sgemm_pack_a/b): sgemm then reads its panels from
// there instead of packing it again, with the same blocking and micro-kernel, so the result is the
// same bit for bit.
#include "cpu/gemm.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <vector>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(SRT_GEMM_NO_AVX2)
#include <immintrin.h>
#endif

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
// With the AVX2 kernels the streaming path beats packing (whose cost is copying all of op(B))
// up to more rows: dot products (x(k, s) contiguous in k) up to 16, axpys up to 8.
constexpr int64_t kSkinnyAvx2Dot = 16;
constexpr int64_t kSkinnyAvx2Axpy = 8;
constexpr int64_t kSkinnyMax = 16;  // rows of the skinny accumulator tile
constexpr int64_t kKeepSkinny = int64_t(1) << 18;  // floats of gathered operand kept per thread
static_assert(kMC % kMR == 0 && kNC % kNR == 0, "blocks must hold whole micro-panels");

#if defined(__GNUC__)
#define SRT_NOINLINE __attribute__((noinline))
#define SRT_ALWAYS_INLINE __attribute__((always_inline))
#elif defined(_MSC_VER)
#define SRT_NOINLINE __declspec(noinline)
#define SRT_ALWAYS_INLINE __forceinline
#else
#define SRT_NOINLINE
#define SRT_ALWAYS_INLINE
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

// The epilogue (gemm.h) on an m x n block X (row stride ldx): X[i][j] = act(X[i][j] + rb[i] +
// cb[j]), either bias nullptr for none.
void finish_block(float* X, int64_t ldx, int64_t m, int64_t n, const float* rb, const float* cb, const Activation& act) {
  for (int64_t i = 0; i < m; ++i) {
    float* __restrict x = X + i * ldx;
    if (rb) {
      const float r = rb[i];
      for (int64_t j = 0; j < n; ++j) x[j] += r;
    }
    if (cb)
      for (int64_t j = 0; j < n; ++j) x[j] += cb[j];
    apply_activation_span(act, x, n);
  }
}
// ... on the tile of C at row i0, column j0 of the whole C.
void finish_tile(const SgemmEpilogue& e, float* C, int64_t ldc, int64_t i0, int64_t j0, int64_t m, int64_t n) {
  finish_block(C, ldc, m, n, e.row_bias ? e.row_bias + i0 : nullptr, e.col_bias ? e.col_bias + j0 : nullptr, e.act);
}

// Packs op(A)[ic .. ic+mc, pc .. pc+kc) as ceil(mc / MR) micro-panels, each kc x MR (k-major),
// scaled by alpha and zero-padded to MR rows. Shared by both paths: always inlined, so the AVX2
// path's wrapper (pack_a6) compiles it for its target.
template <int MR>
SRT_ALWAYS_INLINE inline void pack_a_mr(bool trans_a, const float* A, int64_t lda, int64_t ic, int64_t pc, int64_t mc,
                                         int64_t kc, float alpha, float* __restrict out) {
  for (int64_t ir = 0; ir < mc; ir += MR) {
    const int64_t mr = std::min<int64_t>(MR, mc - ir);
    float* __restrict p = out + ir * kc;
    if (!trans_a) {
      if (mr == MR) {
        const float* a = A + (ic + ir) * lda + pc;
        for (int64_t k = 0; k < kc; ++k) {
#pragma GCC unroll 16
          for (int i = 0; i < MR; ++i) p[k * MR + i] = alpha * a[i * lda + k];
        }
        continue;
      }
      for (int64_t i = 0; i < mr; ++i) {
        const float* a = A + (ic + ir + i) * lda + pc;
        for (int64_t k = 0; k < kc; ++k) p[k * MR + i] = alpha * a[k];
      }
    } else {
      for (int64_t k = 0; k < kc; ++k) {
        const float* a = A + (pc + k) * lda + ic + ir;
        for (int64_t i = 0; i < mr; ++i) p[k * MR + i] = alpha * a[i];
      }
    }
    if (mr < MR)
      for (int64_t k = 0; k < kc; ++k)
        for (int64_t i = mr; i < MR; ++i) p[k * MR + i] = 0.f;
  }
}

void pack_a(bool trans_a, const float* A, int64_t lda, int64_t ic, int64_t pc, int64_t mc, int64_t kc, float alpha,
            float* __restrict out) {
  pack_a_mr<kMR>(trans_a, A, lda, ic, pc, mc, kc, alpha, out);
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
// acc = sum over k of a[k] (MR values) outer b[k] (NR values); then the epilogue e, if any (the
// tile is row i0, column j0 of the whole C).
SRT_NOINLINE void micro_kernel(int64_t kc, const float* __restrict a, const float* __restrict b, float* __restrict C, int64_t ldc,
                  int64_t mr, int64_t nr, float beta, const SgemmEpilogue* e, int64_t i0, int64_t j0) {
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
  if (e) finish_tile(*e, C, ldc, i0, j0, mr, nr);
}

// Waking the pool's threads costs microseconds: products smaller than this many multiply-adds
// (batch-1 MLP layers, small convolutions) stay on the calling thread. At 2^20 (about 12 us on one
// AVX2 core) two threads already win: 64x128x256 ran 1.7x faster on 2 than on 1.
constexpr int64_t kThreadedWork = int64_t(1) << 20;
// The work of an M x N x K product in multiply-adds, with its epilogue counted per element of C:
// Tanh and Sigmoid cost about as much as 64 multiply-adds (a K = 5 layer is mostly activation).
inline int64_t product_work(int64_t M, int64_t N, int64_t K, const SgemmEpilogue* e) {
  const Activation::Kind k = e ? e->act.kind : Activation::None;
  const int64_t per_c = k == Activation::Tanh || k == Activation::Sigmoid ? 64 : e ? 1 : 0;
  return M * N * (K + per_c);
}
constexpr int64_t kSkinnyStream = int64_t(1) << 18;  // floats of the skinny path's large operand

inline int64_t round_up(int64_t x, int64_t m) { return (x + m - 1) / m * m; }

// Where the packed blocks of a whole operand lie (sgemm_pack_a/b): the blocks in the order the
// product visits them, each exactly as pack_a/pack_b (or the AVX2 versions) write it.
//   op(B) K x N: block (jc, pc), nc = min(NC, N - jc) columns padded to NR, kc rows, at
//                jc * K + pc * round_up(nc, NR)  (earlier blocks are all NC wide, KC deep);
//   op(A) M x K: block (pc, ic), mc rows padded to MR, kc columns, at pc * round_up(M, MR) + ic * kc.
inline int64_t packed_b_offset(int64_t jc, int64_t pc, int64_t K, int64_t N, int64_t NC, int64_t NR) {
  return jc * K + pc * round_up(std::min(NC, N - jc), NR);
}
inline int64_t packed_a_offset(int64_t pc, int64_t ic, int64_t kc, int64_t M, int64_t MR) {
  return pc * round_up(M, MR) + ic * kc;
}

// pa / pb: op(A) / op(B) packed whole (see packed_*_offset), or nullptr to pack here.
void sgemm_packed(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
                  int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc, ExecContext& ctx,
                  const float* pa, const float* pb, const SgemmEpilogue* epi) {
  float* bp = nullptr;
  if (!pb) {
    const int64_t kc_max = std::min(K, kKC);
    const int64_t nc_max = (std::min(N, kNC) + kNR - 1) / kNR * kNR;
    std::vector<float>& bbuf = pack_b_buffer();
    if (bbuf.size() < static_cast<size_t>(kc_max * nc_max)) bbuf.resize(kc_max * nc_max);
    bp = bbuf.data();
  }
  const int64_t m_blocks = (M + kMC - 1) / kMC;
  const bool threaded = product_work(M, N, K, epi) >= kThreadedWork;

  for (int64_t jc = 0; jc < N; jc += kNC) {
    const int64_t nc = std::min(kNC, N - jc);
    for (int64_t pc = 0; pc < K; pc += kKC) {
      const int64_t kc = std::min(kKC, K - pc);
      const float* bpanel = pb ? pb + packed_b_offset(jc, pc, K, N, kNC, kNR) : bp;
      if (!pb) pack_b(trans_b, B, ldb, pc, jc, kc, nc, bp);
      // Only the first K block applies the caller's beta; later ones accumulate.
      const float beta_k = pc == 0 ? beta : 1.f;
      const SgemmEpilogue* epi_k = pc + kc >= K ? epi : nullptr;  // the last K block finishes C
      auto body = [&](int64_t b0, int64_t b1) {
        float* abuf = nullptr;
        if (!pa) {
          std::vector<float>& v = pack_a_buffer();
          const int64_t mc_max = std::min(M, kMC);
          const int64_t need = (mc_max + kMR - 1) / kMR * kMR * kc;
          if (v.size() < static_cast<size_t>(need)) v.resize(need);
          abuf = v.data();
        }
        for (int64_t blk = b0; blk < b1; ++blk) {
          const int64_t ic = blk * kMC;
          const int64_t mc = std::min(kMC, M - ic);
          const float* ap = pa ? pa + packed_a_offset(pc, ic, kc, M, kMR) : abuf;
          if (!pa) pack_a(trans_a, A, lda, ic, pc, mc, kc, alpha, abuf);
          for (int64_t jr = 0; jr < nc; jr += kNR) {
            const int64_t nr = std::min(kNR, nc - jr);
            for (int64_t ir = 0; ir < mc; ir += kMR) {
              const int64_t mr = std::min(kMR, mc - ir);
              micro_kernel(kc, ap + ir * kc, bpanel + jr * kc, C + (ic + ir) * ldc + jc + jr, ldc, mr, nr, beta_k,
                           epi_k, ic + ir, jc + jr);
            }
          }
        }
      };
      if (threaded) ctx.parallel_for(m_blocks, body);
      else body(0, m_blocks);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// SIMD path (x86-64 only, chosen at run time): BLIS blocking drivers (sgemm_tiles, sgemm_blocked)
// templated on the blocking and micro-kernel (a struct like Avx2Path below, so that a path for
// other extensions can be added beside it), here a 6 x 16 tile: 12 ymm accumulators, 2 loads of B
// and 6 broadcasts of A per k. Only the functions marked SRT_AVX2 are compiled for AVX2/FMA, so
// the build keeps its baseline flags and the portable path above serves CPUs without them.
constexpr int64_t kSharedABlocks = 4;  // up to this many row blocks, a K block of op(A) is packed once for all tasks
// sgemm_tiles' tasks pack op(A) together, whole, when it has this many floats: from where packing
// it takes longer than waiting for each other (about 2 us), up to where it no longer fits in L2.
constexpr int64_t kSharedAMin = int64_t(1) << 15, kSharedAMax = int64_t(1) << 18;

// (-DSRT_GEMM_NO_AVX2 leaves it out: for testing the portable path on AVX2 machines.)
#if defined(__x86_64__) && defined(__GNUC__) && !defined(SRT_GEMM_NO_AVX2)
#define SRT_HAVE_AVX2_PATH 1
#define SRT_AVX2 __attribute__((target("avx2,fma")))

bool cpu_has_avx2_fma() {
  static const bool has = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }();
  return has;
}

// One whole micro-panel of op(A) = A (not transposed): rows a[i * lda + k], i < 6, k < kc, scaled by
// alpha, to p[k * 6 + i]. Eight k at a time, the 6 x 8 block is transposed in registers as an 8 x 8
// one with two zero rows; column c is stored as 8 floats at p + (k + c) * 6, the 2 extra ones
// landing where column c + 1 goes next (masked off for the panel's last column).
SRT_AVX2 inline void pack_a6_panel(const float* a, int64_t lda, int64_t kc, float alpha, float* __restrict p) {
  const __m256 va = _mm256_set1_ps(alpha), z = _mm256_setzero_ps();
  const __m256i six = _mm256_setr_epi32(-1, -1, -1, -1, -1, -1, 0, 0);
  int64_t k = 0;
  for (; k + 8 <= kc; k += 8) {
    __m256 r[6];
    for (int i = 0; i < 6; ++i) r[i] = _mm256_mul_ps(va, _mm256_loadu_ps(a + i * lda + k));
    const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
    const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
    const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
    const __m256 s[8] = {_mm256_shuffle_ps(t0, t2, 0x44), _mm256_shuffle_ps(t0, t2, 0xEE),
                         _mm256_shuffle_ps(t1, t3, 0x44), _mm256_shuffle_ps(t1, t3, 0xEE),
                         _mm256_shuffle_ps(t4, z, 0x44),  _mm256_shuffle_ps(t4, z, 0xEE),
                         _mm256_shuffle_ps(t5, z, 0x44),  _mm256_shuffle_ps(t5, z, 0xEE)};
    float* q = p + k * 6;
    for (int c = 0; c < 4; ++c) _mm256_storeu_ps(q + c * 6, _mm256_permute2f128_ps(s[c], s[c + 4], 0x20));
    for (int c = 4; c < 7; ++c) _mm256_storeu_ps(q + c * 6, _mm256_permute2f128_ps(s[c - 4], s[c], 0x31));
    const __m256 last = _mm256_permute2f128_ps(s[3], s[7], 0x31);
    if (k + 8 < kc) _mm256_storeu_ps(q + 42, last);
    else _mm256_maskstore_ps(q + 42, six, last);
  }
  for (; k < kc; ++k)
    for (int i = 0; i < 6; ++i) p[k * 6 + i] = alpha * a[i * lda + k];
}

SRT_AVX2 void pack_a6(bool trans_a, const float* A, int64_t lda, int64_t ic, int64_t pc, int64_t mc, int64_t kc,
                     float alpha, float* __restrict out) {
  const int64_t whole = trans_a ? 0 : mc / 6 * 6;  // rows packed by pack_a6_panel
  for (int64_t ir = 0; ir < whole; ir += 6) pack_a6_panel(A + (ic + ir) * lda + pc, lda, kc, alpha, out + ir * kc);
  if (whole < mc) pack_a_mr<6>(trans_a, A, lda, ic + whole, pc, mc - whole, kc, alpha, out + whole * kc);
}

// 8 x 8 transpose: rows src[r * lds + 0..8) -> dst[c * ldd + r].
SRT_AVX2 inline void transpose8x8(const float* src, int64_t lds, float* dst, int64_t ldd) {
  __m256 r0 = _mm256_loadu_ps(src + 0 * lds), r1 = _mm256_loadu_ps(src + 1 * lds);
  __m256 r2 = _mm256_loadu_ps(src + 2 * lds), r3 = _mm256_loadu_ps(src + 3 * lds);
  __m256 r4 = _mm256_loadu_ps(src + 4 * lds), r5 = _mm256_loadu_ps(src + 5 * lds);
  __m256 r6 = _mm256_loadu_ps(src + 6 * lds), r7 = _mm256_loadu_ps(src + 7 * lds);
  __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
  __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
  __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
  __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
  __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xEE);
  __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xEE);
  __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xEE);
  __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xEE);
  _mm256_storeu_ps(dst + 0 * ldd, _mm256_permute2f128_ps(s0, s4, 0x20));
  _mm256_storeu_ps(dst + 1 * ldd, _mm256_permute2f128_ps(s1, s5, 0x20));
  _mm256_storeu_ps(dst + 2 * ldd, _mm256_permute2f128_ps(s2, s6, 0x20));
  _mm256_storeu_ps(dst + 3 * ldd, _mm256_permute2f128_ps(s3, s7, 0x20));
  _mm256_storeu_ps(dst + 4 * ldd, _mm256_permute2f128_ps(s0, s4, 0x31));
  _mm256_storeu_ps(dst + 5 * ldd, _mm256_permute2f128_ps(s1, s5, 0x31));
  _mm256_storeu_ps(dst + 6 * ldd, _mm256_permute2f128_ps(s2, s6, 0x31));
  _mm256_storeu_ps(dst + 7 * ldd, _mm256_permute2f128_ps(s3, s7, 0x31));
}

// Micro-panels panel0 .. panel1 (in units of NR columns) of op(B)[pc .. pc+kc, jc .. jc+nc), each
// kc x NR (k-major), zero-padded to NR columns.
template <int NR>
SRT_AVX2 void pack_b_nr(bool trans_b, const float* B, int64_t ldb, int64_t pc, int64_t jc, int64_t kc, int64_t nc,
                        int64_t panel0, int64_t panel1, float* __restrict out) {
  static_assert(NR % 8 == 0, "whole ymm vectors");
  for (int64_t panel = panel0; panel < panel1; ++panel) {
    const int64_t jr = panel * NR;
    const int64_t nr = std::min<int64_t>(NR, nc - jr);
    float* __restrict p = out + jr * kc;
    if (!trans_b) {
      if (nr == NR) {
        for (int64_t k = 0; k < kc; ++k) {
          const float* b = B + (pc + k) * ldb + jc + jr;
#pragma GCC unroll 8
          for (int j = 0; j < NR; j += 8) _mm256_storeu_ps(p + k * NR + j, _mm256_loadu_ps(b + j));
        }
      } else {
        for (int64_t k = 0; k < kc; ++k) {
          const float* b = B + (pc + k) * ldb + jc + jr;
          for (int64_t j = 0; j < nr; ++j) p[k * NR + j] = b[j];
          for (int64_t j = nr; j < NR; ++j) p[k * NR + j] = 0.f;
        }
      }
    } else {
      // op(B)[k][j] = B[j * ldb + k]: transpose 8 x 8 blocks where whole, scalar elsewhere.
      const float* b = B + (jc + jr) * ldb + pc;
      int64_t k = 0;
      if (nr == NR) {
        for (; k + 8 <= kc; k += 8)
          for (int j = 0; j < NR; j += 8) transpose8x8(b + j * ldb + k, ldb, p + k * NR + j, NR);
      }
      for (int64_t j = 0; j < nr; ++j)
        for (int64_t kk = k; kk < kc; ++kk) p[kk * NR + j] = b[j * ldb + kk];
      if (nr < NR)
        for (int64_t kk = 0; kk < kc; ++kk)
          for (int64_t j = nr; j < NR; ++j) p[kk * NR + j] = 0.f;
    }
  }
}

// C[0..mr, 0..nr) = acc + beta * C (beta == 0: C is not read), acc = sum over k of a[k] (6
// values) outer b[k] (16 values); then the epilogue e, if any (the tile is row i0, column j0 of C):
// for whole tiles in registers (Tanh and Sigmoid on the tile in L1, in one vec_math call), on the
// stored tile otherwise.
SRT_AVX2 SRT_NOINLINE void kernel_6x16(int64_t kc, const float* __restrict a, const float* __restrict b,
                                       float* __restrict C, int64_t ldc, int64_t mr, int64_t nr, float beta,
                                       const SgemmEpilogue* e, int64_t i0, int64_t j0) {
  // The C tile is read (or written) only at the end: fetch its lines now, while the k loop runs.
  for (int64_t i = 0; i < mr; ++i) {
    _mm_prefetch(reinterpret_cast<const char*>(C + i * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(C + i * ldc + 15), _MM_HINT_T0);
  }
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
  __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
  __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
  __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
  __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
  __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
  // The k loop in assembly: GCC spills an accumulator inside it when kc, mr and nr are not
  // constants (measured with GCC 12: 78% of the FMA peak instead of 97%). Unrolled 4 times.
// One k step for rows 0..3 of the micro-panel (the whole step of a partial panel of at most 4
// rows), and the full 6-row step: the same instructions plus rows 4 and 5.
#define SRT_K_STEP4(ko)                                                        \
  "vmovups " #ko "*64(%[b]), %%ymm12\n\t"                                      \
  "vmovups " #ko "*64+32(%[b]), %%ymm13\n\t"                                   \
  "vbroadcastss " #ko "*24(%[a]), %%ymm14\n\t"                                 \
  "vbroadcastss " #ko "*24+4(%[a]), %%ymm15\n\t"                               \
  "vfmadd231ps %%ymm14, %%ymm12, %[c00]\n\t"                                   \
  "vfmadd231ps %%ymm14, %%ymm13, %[c01]\n\t"                                   \
  "vfmadd231ps %%ymm15, %%ymm12, %[c10]\n\t"                                   \
  "vfmadd231ps %%ymm15, %%ymm13, %[c11]\n\t"                                   \
  "vbroadcastss " #ko "*24+8(%[a]), %%ymm14\n\t"                               \
  "vbroadcastss " #ko "*24+12(%[a]), %%ymm15\n\t"                              \
  "vfmadd231ps %%ymm14, %%ymm12, %[c20]\n\t"                                   \
  "vfmadd231ps %%ymm14, %%ymm13, %[c21]\n\t"                                   \
  "vfmadd231ps %%ymm15, %%ymm12, %[c30]\n\t"                                   \
  "vfmadd231ps %%ymm15, %%ymm13, %[c31]\n\t"
#define SRT_K_STEP(ko)                                                         \
  SRT_K_STEP4(ko)                                                              \
  "vbroadcastss " #ko "*24+16(%[a]), %%ymm14\n\t"                              \
  "vbroadcastss " #ko "*24+20(%[a]), %%ymm15\n\t"                              \
  "vfmadd231ps %%ymm14, %%ymm12, %[c40]\n\t"                                   \
  "vfmadd231ps %%ymm14, %%ymm13, %[c41]\n\t"                                   \
  "vfmadd231ps %%ymm15, %%ymm12, %[c50]\n\t"                                   \
  "vfmadd231ps %%ymm15, %%ymm13, %[c51]\n\t"
  int64_t n4 = kc / 4, n1 = kc % 4;
#define SRT_K_OPERANDS                                                                                      \
  : [c00] "+x"(c00), [c01] "+x"(c01), [c10] "+x"(c10), [c11] "+x"(c11), [c20] "+x"(c20), [c21] "+x"(c21), \
    [c30] "+x"(c30), [c31] "+x"(c31), [c40] "+x"(c40), [c41] "+x"(c41), [c50] "+x"(c50), [c51] "+x"(c51), \
    [a] "+r"(a), [b] "+r"(b)
  if (mr <= 4) {
    // A partial micro-panel of at most 4 rows (the last of M = 64, say): skip rows 4 and 5, which
    // are padding. Rows 0..3 get the same operations as below, so the same bits.
    int64_t n = kc;
    if (n > 0)
      __asm__ volatile(
          ".p2align 5\n\t"
          "1:\n\t"
          SRT_K_STEP4(0)
          "add $24, %[a]\n\t"
          "add $64, %[b]\n\t"
          "dec %[n]\n\t"
          "jnz 1b\n\t"
          : [c00] "+x"(c00), [c01] "+x"(c01), [c10] "+x"(c10), [c11] "+x"(c11), [c20] "+x"(c20),
            [c21] "+x"(c21), [c30] "+x"(c30), [c31] "+x"(c31), [a] "+r"(a), [b] "+r"(b), [n] "+r"(n)
          :
          : "xmm12", "xmm13", "xmm14", "xmm15", "cc", "memory");
    n4 = n1 = 0;
  }
  if (n4 > 0)
    __asm__ volatile(
        ".p2align 5\n\t"
        "1:\n\t"
        SRT_K_STEP(0) SRT_K_STEP(1) SRT_K_STEP(2) SRT_K_STEP(3)
        "add $96, %[a]\n\t"
        "add $256, %[b]\n\t"
        "dec %[n]\n\t"
        "jnz 1b\n\t"
        SRT_K_OPERANDS, [n] "+r"(n4)
        :
        : "xmm12", "xmm13", "xmm14", "xmm15", "cc", "memory");
  if (n1 > 0)
    __asm__ volatile(
        "1:\n\t"
        SRT_K_STEP(0)
        "add $24, %[a]\n\t"
        "add $64, %[b]\n\t"
        "dec %[n]\n\t"
        "jnz 1b\n\t"
        SRT_K_OPERANDS, [n] "+r"(n1)
        :
        : "xmm12", "xmm13", "xmm14", "xmm15", "cc", "memory");
#undef SRT_K_OPERANDS
#undef SRT_K_STEP
#undef SRT_K_STEP4
  const __m256 acc[6][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  const Activation::Kind act = e ? e->act.kind : Activation::None;
  alignas(32) float t[6][16];
  if (mr == 6 && nr == 16 && !e) {
    // Whole tile, no epilogue (every K block but the last): kept apart from the path below, which
    // does the same with its biases and activation absent but measured 2% slower at 1024³.
    if (beta == 0.f) {
      for (int i = 0; i < 6; ++i) {
        _mm256_storeu_ps(C + i * ldc, acc[i][0]);
        _mm256_storeu_ps(C + i * ldc + 8, acc[i][1]);
      }
    } else if (beta == 1.f) {
      for (int i = 0; i < 6; ++i) {
        _mm256_storeu_ps(C + i * ldc, _mm256_add_ps(_mm256_loadu_ps(C + i * ldc), acc[i][0]));
        _mm256_storeu_ps(C + i * ldc + 8, _mm256_add_ps(_mm256_loadu_ps(C + i * ldc + 8), acc[i][1]));
      }
    } else {
      const __m256 vb = _mm256_set1_ps(beta);
      for (int i = 0; i < 6; ++i) {
        _mm256_storeu_ps(C + i * ldc, _mm256_fmadd_ps(vb, _mm256_loadu_ps(C + i * ldc), acc[i][0]));
        _mm256_storeu_ps(C + i * ldc + 8, _mm256_fmadd_ps(vb, _mm256_loadu_ps(C + i * ldc + 8), acc[i][1]));
      }
    }
    return;
  }
  if (mr == 6 && nr == 16) {
    // The other activations (Tanh, Sigmoid) go through vec_math, on the tile gathered in t.
    const bool in_t = act != Activation::None && act != Activation::Relu && act != Activation::LeakyRelu;
    const __m256 zero = _mm256_setzero_ps(), vbeta = _mm256_set1_ps(beta);
    const float* rb = e && e->row_bias ? e->row_bias + i0 : nullptr;
    const float* cb = e && e->col_bias ? e->col_bias + j0 : nullptr;
    const __m256 cb0 = cb ? _mm256_loadu_ps(cb) : zero, cb1 = cb ? _mm256_loadu_ps(cb + 8) : zero;
    const __m256 slope = _mm256_set1_ps(e ? e->act.alpha : 0.f);
    for (int i = 0; i < 6; ++i) {
      float* c = C + i * ldc;
      __m256 v0 = acc[i][0], v1 = acc[i][1];
      if (beta == 1.f) {
        v0 = _mm256_add_ps(_mm256_loadu_ps(c), v0);
        v1 = _mm256_add_ps(_mm256_loadu_ps(c + 8), v1);
      } else if (beta != 0.f) {
        v0 = _mm256_fmadd_ps(vbeta, _mm256_loadu_ps(c), v0);
        v1 = _mm256_fmadd_ps(vbeta, _mm256_loadu_ps(c + 8), v1);
      }
      if (rb) {
        const __m256 r = _mm256_set1_ps(rb[i]);
        v0 = _mm256_add_ps(v0, r);
        v1 = _mm256_add_ps(v1, r);
      }
      if (cb) {
        v0 = _mm256_add_ps(v0, cb0);
        v1 = _mm256_add_ps(v1, cb1);
      }
      if (act == Activation::Relu) {  // max(0, v) keeps NaN, as Relu does
        v0 = _mm256_max_ps(zero, v0);
        v1 = _mm256_max_ps(zero, v1);
      } else if (act == Activation::LeakyRelu) {
        v0 = _mm256_blendv_ps(_mm256_mul_ps(slope, v0), v0, _mm256_cmp_ps(v0, zero, _CMP_GE_OQ));
        v1 = _mm256_blendv_ps(_mm256_mul_ps(slope, v1), v1, _mm256_cmp_ps(v1, zero, _CMP_GE_OQ));
      }
      _mm256_storeu_ps(in_t ? t[i] : c, v0);
      _mm256_storeu_ps(in_t ? t[i] + 8 : c + 8, v1);
    }
    if (in_t) {
      apply_activation_span(e->act, t[0], 6 * 16);
      for (int i = 0; i < 6; ++i) {
        _mm256_storeu_ps(C + i * ldc, _mm256_load_ps(t[i]));
        _mm256_storeu_ps(C + i * ldc + 8, _mm256_load_ps(t[i] + 8));
      }
    }
    return;
  }
  for (int i = 0; i < 6; ++i) {
    _mm256_store_ps(t[i], acc[i][0]);
    _mm256_store_ps(t[i] + 8, acc[i][1]);
  }
  for (int64_t i = 0; i < mr; ++i)
    for (int64_t j = 0; j < nr; ++j) {
      float& c = C[i * ldc + j];
      c = beta == 0.f ? t[i][j] : beta * c + t[i][j];
    }
  if (e) finish_tile(*e, C, ldc, i0, j0, mr, nr);
}

// The AVX2 path's blocking.
struct Avx2Path {
  static constexpr int64_t MR = 6, NR = 16;
  static constexpr int64_t KC = 256;     // B micro-panel 16 KiB (L1), A micro-panel 6 KiB
  static constexpr int64_t MC = 72;      // multiple of MR: 72 KiB block of A in L2
  static constexpr int64_t NC = 4096;    // multiple of NR: 4 MiB panel of B at most
  static constexpr int64_t NChunk = 256; // columns of C per task at most, multiple of 4 * NR
  static void pack_a(bool t, const float* A, int64_t lda, int64_t ic, int64_t pc, int64_t mc, int64_t kc, float alpha,
                     float* out) {
    pack_a6(t, A, lda, ic, pc, mc, kc, alpha, out);
  }
  static void pack_b(bool t, const float* B, int64_t ldb, int64_t pc, int64_t jc, int64_t kc, int64_t nc, int64_t p0,
                     int64_t p1, float* out) {
    pack_b_nr<16>(t, B, ldb, pc, jc, kc, nc, p0, p1, out);
  }
  static void kernel(int64_t kc, const float* a, const float* b, float* C, int64_t ldc, int64_t mr, int64_t nr,
                     float beta, const SgemmEpilogue* e, int64_t i0, int64_t j0) {
    kernel_6x16(kc, a, b, C, ldc, mr, nr, beta, e, i0, j0);
  }
};


// How sgemm_tiles splits C among the threads: gm x gn rectangles of whole micro-tiles.
struct TileGrid {
  int64_t gm = 1, gn = 1;
};
// The split of C (mp x np micro-tiles of MR x NR) into `tasks` rectangles with the least time for
// the slowest one: its multiply-adds, plus the packing it does (op(A) for its rows unless packed
// ahead, op(B) for its columns likewise; a packed float costs about as much as 8 multiply-adds).
TileGrid choose_grid(int64_t tasks, int64_t mp, int64_t np, int64_t MR, int64_t NR, int64_t K, bool packed_a,
                     bool packed_b) {
  TileGrid best;
  double best_cost = -1;
  for (int64_t gm = 1; gm <= tasks; ++gm) {
    if (tasks % gm) continue;
    const int64_t gn = tasks / gm;
    if (gm > mp || gn > np) continue;
    const double rows = double((mp + gm - 1) / gm * MR), cols = double((np + gn - 1) / gn * NR);
    const double cost = rows * cols * double(K) + 8.0 * double(K) * ((packed_a ? 0 : rows) + (packed_b ? 0 : cols));
    if (best_cost < 0 || cost < best_cost) {
      best_cost = cost;
      best.gm = gm;
      best.gn = gn;
    }
  }
  return best;
}

// One rectangle of C per thread (grid), each running the whole blocked product for its rows and
// columns without synchronising with the others (but for op(A), below): used where op(B) is packed
// ahead of time or the rectangles share no columns (each then packs its own part of op(B); with
// rows split, op(A) is packed by each task for its rows, with columns split, by the tasks together
// or, when large, by each for all its rows). The micro-kernel calls (K blocks, tiles, beta) are the
// same as sgemm_blocked's, so is the result, bit for bit.
template <class P>
void sgemm_tiles(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
                 int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc, ExecContext& ctx,
                 const float* pa, const float* pb, TileGrid grid, const SgemmEpilogue* epi) {
  const int64_t mp = (M + P::MR - 1) / P::MR, np = (N + P::NR - 1) / P::NR;
  const int64_t tasks = grid.gm * grid.gn;
  // With C split by columns only, every task needs all of op(A): rather than each packing all of
  // it, the tasks pack it together, whole (one part of one K block per unit, taken in turn from a
  // shared counter), wait until every unit is packed, and read it as if packed ahead of time. A
  // task waits only on units that another task has taken and is packing, so this needs no two
  // tasks to run at the same time.
  const int64_t a_floats = round_up(M, P::MR) * K;
  const bool share_a = !pa && grid.gm == 1 && tasks > 1 && a_floats >= kSharedAMin && a_floats <= kSharedAMax;
  const int64_t kblocks = (K + P::KC - 1) / P::KC, parts = share_a ? std::min(tasks, mp) : 0;
  const int64_t units = kblocks * parts;
  std::atomic<int64_t> next_unit{0}, packed_units{0};
  float* shared_a = nullptr;
  if (share_a) {
    std::vector<float>& v = pack_a_buffer();
    if (v.size() < static_cast<size_t>(a_floats)) v.resize(a_floats);
    pa = shared_a = v.data();
  }
  auto pack_shared_a = [&] {
    for (int64_t u = next_unit.fetch_add(1); u < units; u = next_unit.fetch_add(1)) {
      const int64_t pc = u / parts * P::KC, part = u % parts;
      const int64_t ic = part * mp / parts * P::MR, ie = std::min(M, (part + 1) * mp / parts * P::MR);
      const int64_t kc = std::min(P::KC, K - pc);
      P::pack_a(trans_a, A, lda, ic, pc, ie - ic, kc, alpha, shared_a + packed_a_offset(pc, ic, kc, M, P::MR));
      packed_units.fetch_add(1, std::memory_order_release);
    }
    while (packed_units.load(std::memory_order_acquire) < units) _mm_pause();
  };
  auto body = [&](int64_t t0, int64_t t1) {
    if (share_a) pack_shared_a();
    for (int64_t t = t0; t < t1; ++t) {
      const int64_t ti = t / grid.gn, tj = t % grid.gn;
      const int64_t r0 = ti * mp / grid.gm * P::MR, r1 = std::min(M, (ti + 1) * mp / grid.gm * P::MR);
      const int64_t s0 = tj * np / grid.gn * P::NR, s1 = std::min(N, (tj + 1) * np / grid.gn * P::NR);
      if (r0 >= r1 || s0 >= s1) continue;
      float* abuf = nullptr;
      if (!pa) {
        std::vector<float>& v = pack_a_buffer();
        const int64_t need = round_up(std::min(r1 - r0, P::MC), P::MR) * std::min(K, P::KC);
        if (v.size() < static_cast<size_t>(need)) v.resize(need);
        abuf = v.data();
      }
      float* bbuf = nullptr;
      if (!pb) {
        std::vector<float>& v = pack_b_buffer();
        const int64_t need = round_up(std::min(s1 - s0, P::NC), P::NR) * std::min(K, P::KC);
        if (v.size() < static_cast<size_t>(need)) v.resize(need);
        bbuf = v.data();
      }
      // The NC blocks of op(B) (as packed ahead of time) that meet columns s0 .. s1.
      for (int64_t jcb = s0 / P::NC * P::NC; jcb < s1; jcb += P::NC) {
        const int64_t ncb = std::min(P::NC, N - jcb);  // the block's width
        const int64_t j0 = std::max(s0, jcb), j1 = std::min(s1, jcb + ncb);
        for (int64_t pc = 0; pc < K; pc += P::KC) {
          const int64_t kc = std::min(P::KC, K - pc);
          const float beta_k = pc == 0 ? beta : 1.f;
          const SgemmEpilogue* epi_k = pc + kc >= K ? epi : nullptr;  // the last K block finishes C
          // Micro-panels of columns j0 .. j1: bpanel + (j - j0) * kc.
          const float* bpanel;
          if (pb) {
            bpanel = pb + packed_b_offset(jcb, pc, K, N, P::NC, P::NR) + (j0 - jcb) * kc;
          } else {
            P::pack_b(trans_b, B, ldb, pc, j0, kc, j1 - j0, 0, (j1 - j0 + P::NR - 1) / P::NR, bbuf);
            bpanel = bbuf;
          }
          for (int64_t ic = r0; ic < r1; ic += P::MC) {
            const int64_t mc = std::min(P::MC, r1 - ic);
            const float* ap;
            if (pa) {
              ap = pa + packed_a_offset(pc, ic, kc, M, P::MR);
            } else {
              P::pack_a(trans_a, A, lda, ic, pc, mc, kc, alpha, abuf);
              ap = abuf;
            }
            // While a micro-panel of op(B) serves the tiles of this task's first block of rows from
            // L1, the next one is fetched a slice per tile: it may come from memory (a weight not
            // used since the last run), which the hardware prefetchers start on too late. Later
            // blocks of rows find the panel in L2 or L3.
            const int64_t tiles_m = (mc + P::MR - 1) / P::MR;
            const int64_t lines = kc * P::NR / 16;  // cache lines of a micro-panel of op(B)
            const int64_t per_tile = (lines + tiles_m - 1) / tiles_m;
            for (int64_t jr = j0; jr < j1; jr += P::NR) {
              const int64_t nr = std::min(P::NR, j1 - jr);
              const float* b = bpanel + (jr - j0) * kc;
              const char* next_b =
                  ic == r0 && jr + P::NR < j1 ? reinterpret_cast<const char*>(b + P::NR * kc) : nullptr;
              for (int64_t ir = 0; ir < mc; ir += P::MR) {
                const int64_t mr = std::min(P::MR, mc - ir);
                if (next_b) {
                  const int64_t l0 = ir / P::MR * per_tile, l1 = std::min(lines, l0 + per_tile);
                  for (int64_t l = l0; l < l1; ++l) _mm_prefetch(next_b + l * 64, _MM_HINT_T0);
                }
                P::kernel(kc, ap + ir * kc, b, C + (ic + ir) * ldc + jr, ldc, mr, nr, beta_k, epi_k, ic + ir, jr);
              }
            }
          }
        }
      }
    }
  };
  if (tasks > 1) ctx.parallel_for(tasks, body);
  else body(0, 1);
}

// pa / pb: op(A) / op(B) packed whole (see packed_*_offset), or nullptr to pack here.
template <class P>
void sgemm_blocked(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
                   int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc, ExecContext& ctx,
                   const float* pa, const float* pb, const SgemmEpilogue* epi) {
  static_assert(P::MC % P::MR == 0 && P::NC % P::NR == 0 && P::NC % P::NChunk == 0 && P::NChunk % (4 * P::NR) == 0,
                "blocks must hold whole micro-panels");
  float* bp = nullptr;
  if (!pb) {
    const int64_t kc_max = std::min(K, P::KC);
    const int64_t nc_max = round_up(std::min(N, P::NC), P::NR);
    std::vector<float>& bbuf = pack_b_buffer();
    if (bbuf.size() < static_cast<size_t>(kc_max * nc_max)) bbuf.resize(kc_max * nc_max);
    bp = bbuf.data();
  }
  const int64_t m_blocks = (M + P::MC - 1) / P::MC;
  const bool threaded = product_work(M, N, K, epi) >= kThreadedWork;

  for (int64_t jc = 0; jc < N; jc += P::NC) {
    const int64_t nc = std::min(P::NC, N - jc);
    const int64_t n_panels = (nc + P::NR - 1) / P::NR;
    // Columns of C per task: narrower than NChunk where that leaves the threads too few tasks.
    int64_t chunk_cols = P::NChunk;
    if (threaded)
      while (chunk_cols > 4 * P::NR && m_blocks * ((nc + chunk_cols - 1) / chunk_cols) < 4 * int64_t(ctx.threads()))
        chunk_cols /= 2;
    const int64_t n_chunks = (nc + chunk_cols - 1) / chunk_cols;
    for (int64_t pc = 0; pc < K; pc += P::KC) {
      const int64_t kc = std::min(P::KC, K - pc);
      // With one block of rows, each micro-panel of op(B) is used by one task only: the task packs
      // it just before use (while it is hot in L1), saving a pass and a synchronisation.
      const bool pack_in_task = !pb && m_blocks == 1;
      const float* bpanel = pb ? pb + packed_b_offset(jc, pc, K, N, P::NC, P::NR) : bp;
      if (!pb && !pack_in_task) {
        auto pack_body = [&](int64_t p0, int64_t p1) { P::pack_b(trans_b, B, ldb, pc, jc, kc, nc, p0, p1, bp); };
        if (threaded) ctx.parallel_for(n_panels, pack_body);
        else pack_body(0, n_panels);
      }
      // Only the first K block applies the caller's beta; later ones accumulate.
      const float beta_k = pc == 0 ? beta : 1.f;
      const SgemmEpilogue* epi_k = pc + kc >= K ? epi : nullptr;  // the last K block finishes C
      // With few blocks of rows, each is used by several tasks (one per column chunk): pack this
      // K block of op(A) once, here, for all of them rather than once per task.
      const float* a_shared = nullptr;
      if (!pa && n_chunks > 1 && m_blocks <= kSharedABlocks) {
        std::vector<float>& v = pack_a_buffer();
        const int64_t need = round_up(M, P::MR) * kc;
        if (v.size() < static_cast<size_t>(need)) v.resize(need);
        for (int64_t ic = 0; ic < M; ic += P::MC)
          P::pack_a(trans_a, A, lda, ic, pc, std::min(P::MC, M - ic), kc, alpha, v.data() + ic * kc);
        a_shared = v.data();
      }
      // Tasks are (row block, column chunk) pairs, row-block-major so that a thread's
      // consecutive tasks reuse its packed block of A.
      auto body = [&](int64_t t0, int64_t t1) {
        float* abuf = nullptr;
        if (!pa && !a_shared) {
          std::vector<float>& v = pack_a_buffer();
          const int64_t need = round_up(std::min(M, P::MC), P::MR) * kc;
          if (v.size() < static_cast<size_t>(need)) v.resize(need);
          abuf = v.data();
        }
        const float* ap = abuf;
        int64_t packed_blk = -1;
        for (int64_t t = t0; t < t1; ++t) {
          const int64_t blk = t / n_chunks;
          const int64_t chunk = t % n_chunks;
          const int64_t ic = blk * P::MC;
          const int64_t mc = std::min(P::MC, M - ic);
          if (blk != packed_blk) {
            if (pa) ap = pa + packed_a_offset(pc, ic, kc, M, P::MR);
            else if (a_shared) ap = a_shared + ic * kc;
            else P::pack_a(trans_a, A, lda, ic, pc, mc, kc, alpha, abuf);
            packed_blk = blk;
          }
          const int64_t j_end = std::min(nc, (chunk + 1) * chunk_cols);
          for (int64_t jr = chunk * chunk_cols; jr < j_end; jr += P::NR) {
            const int64_t nr = std::min(P::NR, nc - jr);
            if (pack_in_task) P::pack_b(trans_b, B, ldb, pc, jc, kc, nc, jr / P::NR, jr / P::NR + 1, bp);
            for (int64_t ir = 0; ir < mc; ir += P::MR) {
              const int64_t mr = std::min(P::MR, mc - ir);
              P::kernel(kc, ap + ir * kc, bpanel + jr * kc, C + (ic + ir) * ldc + jc + jr, ldc, mr, nr, beta_k,
                        epi_k, ic + ir, jc + jr);
            }
          }
        }
      };
      if (threaded) ctx.parallel_for(m_blocks * n_chunks, body);
      else body(0, m_blocks * n_chunks);
    }
  }
}

// The SIMD paths: one rectangle of C per thread where that packs nothing twice that sgemm_blocked
// packs once (op(B) packed ahead of time, or C split by columns only), else sgemm_blocked.
template <class P>
void sgemm_simd(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
                int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc, ExecContext& ctx,
                const float* pa, const float* pb, const SgemmEpilogue* epi) {
  const int64_t tasks = product_work(M, N, K, epi) >= kThreadedWork ? ctx.threads() : 1;
  const TileGrid grid = choose_grid(tasks, (M + P::MR - 1) / P::MR, (N + P::NR - 1) / P::NR, P::MR, P::NR, K,
                                    pa != nullptr, pb != nullptr);
  if (grid.gm * grid.gn == tasks && (pb || grid.gm == 1))
    sgemm_tiles<P>(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, ctx, pa, pb, grid, epi);
  else
    sgemm_blocked<P>(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, ctx, pa, pb, epi);
}
#endif  // x86-64 AVX2 path
// ---------------------------------------------------------------------------------------------

// Skinny products: out[r][s] = sum_k g[r][k] * x(k, s) for R <= kSkinny rows, where g is the
// small operand gathered (scaled by alpha) into a contiguous R x K buffer and x is the large one,
// streamed once from where it lies:
//   x_k_major: x(k, s) = X[k * ldx + s]  -> axpy over contiguous s into an L1-resident chunk;
//   otherwise: x(k, s) = X[s * ldx + k]  -> dot products over contiguous k (8 partial sums).
// The result goes to C[r * c_rs + s * c_ss] = out + beta * C (beta == 0: C is not read).
// Few rows of C:    g = op(A),   x = op(B), c_rs = ldc, c_ss = 1.
// Few columns of C: g = op(B)^T, x = op(A)^T, c_rs = 1, c_ss = ldc (c_transposed).
constexpr int64_t kSB = 256;  // chunk of s per task

#if defined(SRT_HAVE_AVX2_PATH)
// Sum of the 8 lanes.
SRT_AVX2 inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// The AVX2/FMA version of one chunk of skinny() below: acc[r * kSB + s] = sum over k of
// g[r][k] * x(k, s0 + s) for r < R, s < sb.
SRT_AVX2 SRT_NOINLINE void skinny_chunk_avx2(int64_t R, int64_t sb, int64_t K, const float* g, const float* X,
                                             int64_t ldx, bool x_k_major, int64_t s0, float* acc) {
  if (x_k_major) {
    for (int64_t r = 0; r < R; ++r) {
      float* __restrict c = acc + r * kSB;
      std::fill(c, c + sb, 0.f);
      const float* gr = g + r * K;
      int64_t k = 0;
      for (; k + 4 <= K; k += 4) {  // four rows of x per pass over the chunk
        const float* __restrict x0 = X + k * ldx + s0;
        const float* __restrict x1 = x0 + ldx;
        const float* __restrict x2 = x1 + ldx;
        const float* __restrict x3 = x2 + ldx;
        const __m256 a0 = _mm256_set1_ps(gr[k]), a1 = _mm256_set1_ps(gr[k + 1]);
        const __m256 a2 = _mm256_set1_ps(gr[k + 2]), a3 = _mm256_set1_ps(gr[k + 3]);
        int64_t s = 0;
        for (; s + 8 <= sb; s += 8) {
          __m256 v = _mm256_loadu_ps(c + s);
          v = _mm256_fmadd_ps(a0, _mm256_loadu_ps(x0 + s), v);
          v = _mm256_fmadd_ps(a1, _mm256_loadu_ps(x1 + s), v);
          v = _mm256_fmadd_ps(a2, _mm256_loadu_ps(x2 + s), v);
          v = _mm256_fmadd_ps(a3, _mm256_loadu_ps(x3 + s), v);
          _mm256_storeu_ps(c + s, v);
        }
        for (; s < sb; ++s) c[s] = gr[k + 3] * x3[s] + (gr[k + 2] * x2[s] + (gr[k + 1] * x1[s] + (gr[k] * x0[s] + c[s])));
      }
      for (; k < K; ++k) {
        const float* __restrict x0 = X + k * ldx + s0;
        const __m256 a0 = _mm256_set1_ps(gr[k]);
        int64_t s = 0;
        for (; s + 8 <= sb; s += 8)
          _mm256_storeu_ps(c + s, _mm256_fmadd_ps(a0, _mm256_loadu_ps(x0 + s), _mm256_loadu_ps(c + s)));
        for (; s < sb; ++s) c[s] = gr[k] * x0[s] + c[s];
      }
    }
    return;
  }
  // Dot products over contiguous k: four columns of x at a time share each load of g; two
  // accumulators per column hide the FMA latency.
  int64_t s = 0;
  for (; s + 4 <= sb; s += 4) {
    const float* x0 = X + (s0 + s) * ldx;
    const float* x1 = x0 + ldx;
    const float* x2 = x1 + ldx;
    const float* x3 = x2 + ldx;
    for (int64_t r = 0; r < R; ++r) {
      const float* gr = g + r * K;
      __m256 p0 = _mm256_setzero_ps(), p1 = _mm256_setzero_ps(), p2 = _mm256_setzero_ps(), p3 = _mm256_setzero_ps();
      __m256 q0 = _mm256_setzero_ps(), q1 = _mm256_setzero_ps(), q2 = _mm256_setzero_ps(), q3 = _mm256_setzero_ps();
      int64_t k = 0;
      for (; k + 16 <= K; k += 16) {
        const __m256 ga = _mm256_loadu_ps(gr + k), gb = _mm256_loadu_ps(gr + k + 8);
        p0 = _mm256_fmadd_ps(ga, _mm256_loadu_ps(x0 + k), p0);
        p1 = _mm256_fmadd_ps(ga, _mm256_loadu_ps(x1 + k), p1);
        p2 = _mm256_fmadd_ps(ga, _mm256_loadu_ps(x2 + k), p2);
        p3 = _mm256_fmadd_ps(ga, _mm256_loadu_ps(x3 + k), p3);
        q0 = _mm256_fmadd_ps(gb, _mm256_loadu_ps(x0 + k + 8), q0);
        q1 = _mm256_fmadd_ps(gb, _mm256_loadu_ps(x1 + k + 8), q1);
        q2 = _mm256_fmadd_ps(gb, _mm256_loadu_ps(x2 + k + 8), q2);
        q3 = _mm256_fmadd_ps(gb, _mm256_loadu_ps(x3 + k + 8), q3);
      }
      for (; k + 8 <= K; k += 8) {
        const __m256 ga = _mm256_loadu_ps(gr + k);
        p0 = _mm256_fmadd_ps(ga, _mm256_loadu_ps(x0 + k), p0);
        p1 = _mm256_fmadd_ps(ga, _mm256_loadu_ps(x1 + k), p1);
        p2 = _mm256_fmadd_ps(ga, _mm256_loadu_ps(x2 + k), p2);
        p3 = _mm256_fmadd_ps(ga, _mm256_loadu_ps(x3 + k), p3);
      }
      float d0 = hsum(_mm256_add_ps(p0, q0)), d1 = hsum(_mm256_add_ps(p1, q1));
      float d2 = hsum(_mm256_add_ps(p2, q2)), d3 = hsum(_mm256_add_ps(p3, q3));
      for (; k < K; ++k) {
        d0 = gr[k] * x0[k] + d0;
        d1 = gr[k] * x1[k] + d1;
        d2 = gr[k] * x2[k] + d2;
        d3 = gr[k] * x3[k] + d3;
      }
      float* a = acc + r * kSB + s;
      a[0] = d0;
      a[1] = d1;
      a[2] = d2;
      a[3] = d3;
    }
  }
  for (; s < sb; ++s) {
    const float* x0 = X + (s0 + s) * ldx;
    for (int64_t r = 0; r < R; ++r) {
      const float* gr = g + r * K;
      __m256 p0 = _mm256_setzero_ps(), q0 = _mm256_setzero_ps();
      int64_t k = 0;
      for (; k + 16 <= K; k += 16) {
        p0 = _mm256_fmadd_ps(_mm256_loadu_ps(gr + k), _mm256_loadu_ps(x0 + k), p0);
        q0 = _mm256_fmadd_ps(_mm256_loadu_ps(gr + k + 8), _mm256_loadu_ps(x0 + k + 8), q0);
      }
      for (; k + 8 <= K; k += 8) p0 = _mm256_fmadd_ps(_mm256_loadu_ps(gr + k), _mm256_loadu_ps(x0 + k), p0);
      float d = hsum(_mm256_add_ps(p0, q0));
      for (; k < K; ++k) d = gr[k] * x0[k] + d;
      acc[r * kSB + s] = d;
    }
  }
}
#endif

// epi (may be nullptr) is applied to each chunk of C as it is written: C is R x S (few rows), or
// S x R when c_transposed.
void skinny(int64_t R, int64_t S, int64_t K, const float* g, const float* X, int64_t ldx, bool x_k_major,
            float beta, float* C, int64_t ldc, bool c_transposed, ExecContext& ctx, const SgemmEpilogue* epi) {
  const int64_t c_rs = c_transposed ? 1 : ldc, c_ss = c_transposed ? ldc : 1;
  const int64_t tasks = (S + kSB - 1) / kSB;
  // Also threaded when the large operand alone is big (≥ 1 MiB): a few rows times a weight matrix
  // is bound by reading it, and two cores read it faster than one.
  const bool threaded = product_work(R, S, K, epi) >= kThreadedWork || S * K >= kSkinnyStream;
#if defined(SRT_HAVE_AVX2_PATH)
  const bool use_avx2 = cpu_has_avx2_fma();
#endif
  auto body = [&](int64_t t0, int64_t t1) {
    float acc[kSkinnyMax][kSB];
    for (int64_t t = t0; t < t1; ++t) {
      const int64_t s0 = t * kSB;
      const int64_t sb = std::min(kSB, S - s0);
#if defined(SRT_HAVE_AVX2_PATH)
      if (use_avx2) {
        skinny_chunk_avx2(R, sb, K, g, X, ldx, x_k_major, s0, &acc[0][0]);
      } else
#endif
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
      // The epilogue on acc (R x sb, rows along C's rows, or along its columns when transposed)
      // where C's old contents do not enter, else on C after.
      const float* rb = epi ? (c_transposed ? epi->col_bias : epi->row_bias) : nullptr;
      const float* sbias = epi ? (c_transposed ? epi->row_bias : epi->col_bias) : nullptr;
      if (epi && beta == 0.f) finish_block(&acc[0][0], kSB, R, sb, rb, sbias ? sbias + s0 : nullptr, epi->act);
      for (int64_t r = 0; r < R; ++r)
        for (int64_t s = 0; s < sb; ++s) {
          float& c = C[r * c_rs + (s0 + s) * c_ss];
          c = beta == 0.f ? acc[r][s] : madd(beta, c, acc[r][s]);
        }
      if (epi && beta != 0.f && !c_transposed) finish_tile(*epi, C + s0, ldc, 0, s0, R, sb);
      if (epi && beta != 0.f && c_transposed) finish_tile(*epi, C + s0 * ldc, ldc, s0, 0, sb, R);
    }
  };
  if (threaded) ctx.parallel_for(tasks, body);
  else body(0, tasks);
}

// The most rows of C (few_rows) or columns that a product may have and still take the skinny path.
int64_t skinny_limit(bool x_k_major) {
#if defined(SRT_HAVE_AVX2_PATH)
  if (cpu_has_avx2_fma()) return x_k_major ? kSkinnyAvx2Axpy : kSkinnyAvx2Dot;
#endif
  return kSkinny;
}

// The blocked path (and so the packed layout) this CPU uses.
enum class Kind { kPortable, kAvx2 };
Kind blocked_kind() {
#if defined(SRT_HAVE_AVX2_PATH)
  if (cpu_has_avx2_fma()) return Kind::kAvx2;
#endif
  return Kind::kPortable;
}

// The blocking of a kind: MR, NR, KC, MC, NC.
struct Blocking {
  int64_t MR, NR, KC, MC, NC;
};
Blocking blocking_of(Kind kind) {
  switch (kind) {
#if defined(SRT_HAVE_AVX2_PATH)
    case Kind::kAvx2:
      return {Avx2Path::MR, Avx2Path::NR, Avx2Path::KC, Avx2Path::MC, Avx2Path::NC};
#endif
    default:
      return {kMR, kNR, kKC, kMC, kNC};
  }
}

}  // namespace

struct SgemmPacked {
  bool is_a = false;    // op(A) (rows = M) or op(B) (rows = N)
  Kind kind = Kind::kPortable;  // whose layout (blocking, micro-panel shape) it has
  int64_t rows = 0, K = 0;
  float alpha = 1.f;    // folded into a packed op(A)
  float* data = nullptr;
  SgemmPacked() = default;
  SgemmPacked(const SgemmPacked&) = delete;
  SgemmPacked& operator=(const SgemmPacked&) = delete;
  ~SgemmPacked() { std::free(data); }
  void allocate(int64_t floats) {
    const size_t bytes = static_cast<size_t>(round_up(std::max<int64_t>(floats, 1) * 4, 64));
    data = static_cast<float*>(std::aligned_alloc(64, bytes));
    if (!data) throw Error(kErrOutOfMemory, "could not allocate " + std::to_string(bytes) + " bytes for a packed matrix");
  }
};

bool sgemm_packs(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K) {
  if (M <= 0 || N <= 0 || K <= 0) return false;
  const bool few_rows = M <= N;
  return (few_rows ? M : N) > skinny_limit(few_rows ? !trans_b : trans_a);
}

std::shared_ptr<const SgemmPacked> sgemm_pack_b(bool trans_b, int64_t K, int64_t N, const float* B, int64_t ldb) {
  if (K <= 0 || N <= 0) return nullptr;
  auto p = std::make_shared<SgemmPacked>();
  p->kind = blocked_kind();
  p->rows = N;
  p->K = K;
  const Blocking bl = blocking_of(p->kind);
  const int64_t NC = bl.NC, KC = bl.KC, NR = bl.NR;
  p->allocate(packed_b_offset(round_up(N, NC), 0, K, N, NC, NR));  // = K * (N with each block padded to NR)
  for (int64_t jc = 0; jc < N; jc += NC) {
    const int64_t nc = std::min(NC, N - jc);
    for (int64_t pc = 0; pc < K; pc += KC) {
      const int64_t kc = std::min(KC, K - pc);
      float* out = p->data + packed_b_offset(jc, pc, K, N, NC, NR);
      switch (p->kind) {
#if defined(SRT_HAVE_AVX2_PATH)
        case Kind::kAvx2:
          Avx2Path::pack_b(trans_b, B, ldb, pc, jc, kc, nc, 0, (nc + NR - 1) / NR, out);
          break;
#endif
        default:
          pack_b(trans_b, B, ldb, pc, jc, kc, nc, out);
      }
    }
  }
  return p;
}

std::shared_ptr<const SgemmPacked> sgemm_pack_a(bool trans_a, int64_t M, int64_t K, float alpha, const float* A,
                                                int64_t lda) {
  if (K <= 0 || M <= 0) return nullptr;
  auto p = std::make_shared<SgemmPacked>();
  p->is_a = true;
  p->kind = blocked_kind();
  p->rows = M;
  p->K = K;
  p->alpha = alpha;
  const Blocking bl = blocking_of(p->kind);
  const int64_t MC = bl.MC, KC = bl.KC, MR = bl.MR;
  p->allocate(round_up(M, MR) * K);
  for (int64_t pc = 0; pc < K; pc += KC) {
    const int64_t kc = std::min(KC, K - pc);
    for (int64_t ic = 0; ic < M; ic += MC) {
      const int64_t mc = std::min(MC, M - ic);
      float* out = p->data + packed_a_offset(pc, ic, kc, M, MR);
      switch (p->kind) {
#if defined(SRT_HAVE_AVX2_PATH)
        case Kind::kAvx2:
          Avx2Path::pack_a(trans_a, A, lda, ic, pc, mc, kc, alpha, out);
          break;
#endif
        default:
          pack_a(trans_a, A, lda, ic, pc, mc, kc, alpha, out);
      }
    }
  }
  return p;
}

void sgemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
           const float* B, int64_t ldb, float beta, float* C, int64_t ldc, ExecContext& ctx) {
  sgemm(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, ctx, nullptr, nullptr);
}

void sgemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
           const float* B, int64_t ldb, float beta, float* C, int64_t ldc, ExecContext& ctx,
           const SgemmPacked* packed_a, const SgemmPacked* packed_b, const SgemmEpilogue* epi) {
  if (M <= 0 || N <= 0) return;
  if (epi && epi->empty()) epi = nullptr;
  if (K <= 0 || alpha == 0.f) {
    scale_c(M, N, beta, C, ldc);
    if (epi) finish_tile(*epi, C, ldc, 0, 0, M, N);
    return;
  }
  // The small operand's rows, and how the large one is laid out for the skinny path.
  const bool few_rows = M <= N;
  const int64_t R = few_rows ? M : N;
  const bool x_k_major = few_rows ? !trans_b : trans_a;
  const int64_t skinny_max = skinny_limit(x_k_major);
  static_assert(kSkinny <= kSkinnyMax && kSkinnyAvx2Dot <= kSkinnyMax && kSkinnyAvx2Axpy <= kSkinnyMax,
                "skinny tile too small");
  if (R <= skinny_max) {
    // Gather the small operand (alpha folded in) into R x K rows.
    // Kept per thread when small; a one-off buffer when large, so that no thread keeps it.
    std::vector<float> one_off;
    std::vector<float>& buf = R * K <= kKeepSkinny ? skinny_buffer() : one_off;
    if (buf.size() < static_cast<size_t>(R * K)) buf.resize(R * K);
    float* g = buf.data();
    if (few_rows) {  // g[i][k] = op(A)[i][k]
      for (int64_t i = 0; i < M; ++i)
        for (int64_t k = 0; k < K; ++k) g[i * K + k] = alpha * (trans_a ? A[k * lda + i] : A[i * lda + k]);
      skinny(M, N, K, g, B, ldb, x_k_major, beta, C, ldc, false, ctx, epi);
    } else {  // g[j][k] = op(B)[k][j]
      for (int64_t j = 0; j < N; ++j)
        for (int64_t k = 0; k < K; ++k) g[j * K + k] = alpha * (trans_b ? B[j * ldb + k] : B[k * ldb + j]);
      skinny(N, M, K, g, A, lda, x_k_major, beta, C, ldc, true, ctx, epi);
    }
    return;
  }
  // Operands packed ahead of time, where they are what this product needs.
  const Kind kind = blocked_kind();
  const float* pa = packed_a && packed_a->is_a && packed_a->kind == kind && packed_a->rows == M &&
                            packed_a->K == K && packed_a->alpha == alpha
                        ? packed_a->data
                        : nullptr;
  const float* pb =
      packed_b && !packed_b->is_a && packed_b->kind == kind && packed_b->rows == N && packed_b->K == K
          ? packed_b->data
          : nullptr;
#if defined(SRT_HAVE_AVX2_PATH)
  if (kind == Kind::kAvx2) {
    sgemm_simd<Avx2Path>(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, ctx, pa, pb, epi);
    return;
  }
#endif
  sgemm_packed(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, ctx, pa, pb, epi);
}

}  // namespace srt
