// sgemm (gemm.h): the one matrix product of the CUDA kernels (Gemm, MatMul, Conv, ConvTranspose).
//
// Two kernels, chosen per call by the shape:
//  - gemm_tiled_kernel, register-blocked: each block computes a BM x BN tile of C, looping over K
//    in steps of BK through double-buffered shared memory (the next step's global loads are in
//    flight while the current step is multiplied; one barrier per step). In float32 each thread
//    computes TM x TN outputs as outer products of TM values of A and TN values of B read from
//    shared memory. Three sizes: 128x128 (8x8 per thread) for large products, 64x64 and 32x32
//    (4x4 per thread) when the large tiles would leave most of an H100's 132 SMs idle.
//    With tf32 on sm_80+, the warps instead multiply the shared tiles with tensor cores
//    (mma.sync m16n8k8 TF32, float32 accumulation), each warp owning a (BM / WARPS_M) x
//    (BN / WARPS_N) sub-tile; the loads, shared layout and epilogue are the same.
//  - gemm_skinny_kernel for products with few rows (m <= 16: a surrogate model's batch, a Linear
//    layer on one sample), where the tiles above would be mostly padding: each block takes 8 rows
//    by 64 columns and splits K four ways among its threads, summing the four partial results
//    through shared memory in a fixed order (deterministic: no atomics). A product with few
//    columns (n <= 16) is computed as its transpose, C^T = op(B)^T op(A)^T, by the same kernel.
//
// Global loads are float4 where the contiguous dimension of an operand allows it (row stride,
// batch stride and base pointer multiples of 4 floats), scalar with bounds checks at the edges;
// the float32 tiles also store C as float4 where its rows allow it.
// Operand tiles are stored in shared memory K-major (as[k][i], bs[k][j]) whatever the transposes.
// TF32: operands are rounded to TF32 (cvt.rna: 10-bit mantissa, round to nearest, ties away from
// zero) when they are stored to shared memory. Where there are no tensor cores (the emulator,
// SRT_CUDA_ARCH < 800) the tf32 kernels multiply these rounded values in float32, so that TF32
// numerics are the same everywhere up to the float32 summation order.
#include <cstring>
#include <utility>

#include "cuda/cuda_util.h"
#include "cuda/gemm.h"

namespace srt {
namespace cuda {
namespace {

// The product as the kernels see it (passed by value): gemm.h's Gemm, with the transposes as
// template flags of the kernels, C[i][j] at c[i * c_row + j * c_col] (c_col != 1 for a product
// computed as its transpose) and whether float4 loads are aligned.
struct Params {
  int64_t m, n, k;
  float alpha, beta;
  const float* a;
  int64_t lda, batch_stride_a;
  const float* b;
  int64_t ldb, batch_stride_b;
  float* c;
  int64_t c_row, c_col, batch_stride_c;
  int64_t batch;
  const float* bias;
  int64_t bias_row, bias_col;
  bool vec_a, vec_b;  // float4 loads along the operand's contiguous dimension are aligned
  bool vec_c;         // float4 accesses along C's rows are aligned (c_col == 1)
};

// ---- small device helpers -------------------------------------------------------------------------

// x rounded to TF32 (sign, 8-bit exponent, 10-bit mantissa) as cvt.rna.tf32.f32 does: to nearest,
// ties away from zero; Inf and NaN pass through.
__device__ __forceinline__ float round_tf32(float x) {
#if SRT_CUDA_ARCH >= 800
  uint32_t r;
  asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(r) : "f"(x));
  return __uint_as_float(r);
#else
  uint32_t u;
  memcpy(&u, &x, sizeof u);
  if ((u & 0x7f800000u) != 0x7f800000u) {
    u += 0x1000u;  // half a unit of the last kept bit, on the magnitude
    u &= 0xffffe000u;
  }
  memcpy(&x, &u, sizeof u);
  return x;
#endif
}

// Four consecutive floats from 16-byte aligned memory (one 128-bit access on the GPU).
__device__ __forceinline__ void load4(const float* p, float (&v)[4]) {
#ifdef SRT_CUDA_EMULATE
  v[0] = p[0];
  v[1] = p[1];
  v[2] = p[2];
  v[3] = p[3];
#else
  const float4 t = *reinterpret_cast<const float4*>(p);
  v[0] = t.x;
  v[1] = t.y;
  v[2] = t.z;
  v[3] = t.w;
#endif
}
__device__ __forceinline__ void store4(float* p, const float (&v)[4]) {
#ifdef SRT_CUDA_EMULATE
  p[0] = v[0];
  p[1] = v[1];
  p[2] = v[2];
  p[3] = v[3];
#else
  *reinterpret_cast<float4*>(p) = make_float4(v[0], v[1], v[2], v[3]);
#endif
}

// Four elements along an operand's contiguous dimension, at indices idx..idx+3 (< limit) of the
// line that starts at `line` (nullptr: the line is outside the matrix); zeros beyond the edges.
__device__ __forceinline__ void load_line4(const float* line, int64_t idx, int64_t limit, bool vec, float (&v)[4]) {
  if (line && vec && idx + 3 < limit) {
    load4(line + idx, v);
    return;
  }
  for (int e = 0; e < 4; ++e) v[e] = line && idx + e < limit ? line[idx + e] : 0.0f;
}

// The epilogue for one element: C = alpha * acc + beta * C (C not read when beta == 0) + bias.
__device__ __forceinline__ void store_c(const Params& p, float* c, int64_t i, int64_t j, float acc) {
  float* dst = c + i * p.c_row + j * p.c_col;
  float v = p.alpha * acc;
  if (p.beta != 0.0f) v += p.beta * *dst;
  if (p.bias) v += p.bias[i * p.bias_row + j * p.bias_col];
  *dst = v;
}

#if SRT_CUDA_ARCH >= 800
// D += A * B on tensor cores, one m16n8k8 TF32 product per warp (operands already TF32-rounded).
__device__ __forceinline__ void mma_tf32(float (&d)[4], const uint32_t (&a)[4], const uint32_t (&b)[2]) {
  asm volatile(
      "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
      "{%0,%1,%2,%3};\n"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}
#endif

// ---- operand tiles: global -> registers -> shared -----------------------------------------------

// One operand's tile of a K step: X elements along m (for A) or n (for B) by BK along k, loaded as
// X * BK / 4 float4 runs by kThreads threads (kLoads = runs per thread). K_CONTIGUOUS: the operand
// is stored with k contiguous, element (x, kk) at base[x * ld + kk] (A not transposed, B
// transposed); otherwise at base[kk * ld + x]. x0 / k0 are the tile's origin, x_limit / k_limit
// the matrix's extent; elements outside it are zeros.
template <int X, int BK, int kThreads, int kLoads, bool K_CONTIGUOUS>
__device__ __forceinline__ void load_operand(float (&r)[kLoads][4], const float* base, int64_t ld, int64_t x0,
                                             int64_t x_limit, int64_t k0, int64_t k_limit, bool vec, int tid) {
  constexpr int kRuns = X * BK / 4;
#pragma unroll
  for (int l = 0; l < kLoads; ++l) {
    const int v = tid + l * kThreads;
    if (v < kRuns) {
      if (K_CONTIGUOUS) {  // 4 consecutive k of line x
        const int x = v / (BK / 4), kq = v % (BK / 4) * 4;
        const float* line = x0 + x < x_limit ? base + (x0 + x) * ld : nullptr;
        load_line4(line, k0 + kq, k_limit, vec, r[l]);
      } else {  // 4 consecutive x of line k
        const int kk = v / (X / 4), xq = v % (X / 4) * 4;
        const float* line = k0 + kk < k_limit ? base + (k0 + kk) * ld : nullptr;
        load_line4(line, x0 + xq, x_limit, vec, r[l]);
      }
    }
  }
}

// The registers of load_operand to the K-major shared tile sm[kk][x], rounded to TF32 when asked.
template <int X, int BK, int LD, int kThreads, int kLoads, bool K_CONTIGUOUS>
__device__ __forceinline__ void store_operand(float (&sm)[BK][LD], const float (&r)[kLoads][4], bool tf32, int tid) {
  constexpr int kRuns = X * BK / 4;
#pragma unroll
  for (int l = 0; l < kLoads; ++l) {
    const int v = tid + l * kThreads;
    if (v < kRuns) {
      float x[4];
      for (int e = 0; e < 4; ++e) x[e] = tf32 ? round_tf32(r[l][e]) : r[l][e];
      if (K_CONTIGUOUS) {
        const int xi = v / (BK / 4), kq = v % (BK / 4) * 4;
        for (int e = 0; e < 4; ++e) sm[kq + e][xi] = x[e];
      } else {
        const int kk = v / (X / 4), xq = v % (X / 4) * 4;
        store4(&sm[kk][xq], x);
      }
    }
  }
}

// ---- the register-blocked tiled kernel -------------------------------------------------------------

// Block tile BM x BN, K step BK, TM x TN outputs per thread ((BM / TM) * (BN / TN) threads, TM and
// TN multiples of 4); for the tensor-core path the warps form a WARPS_M x (warps / WARPS_M) grid.
// TA / TB: A is stored k x m / B is stored n x k. TF32: round the operands (and use tensor cores
// on sm_80+).
template <int BM, int BN, int BK, int TM, int TN, int WARPS_M, bool TA, bool TB, bool TF32>
__global__ void __launch_bounds__((BM / TM) * (BN / TN)) gemm_tiled_kernel(Params p, int64_t tiles_m) {
  constexpr int kThreads = (BM / TM) * (BN / TN);
  // Rows of the shared tiles are padded: +8 keeps the tensor-core fragment reads free of bank
  // conflicts, +4 the transposing stores of the float32 path.
  constexpr int kLdA = BM + (TF32 ? 8 : 4), kLdB = BN + (TF32 ? 8 : 4);
  constexpr int kLoadsA = (BM * BK / 4 + kThreads - 1) / kThreads;  // float4 runs per thread
  constexpr int kLoadsB = (BN * BK / 4 + kThreads - 1) / kThreads;
  constexpr int kAcc = TM * TN;
  static_assert(TM % 4 == 0 && TN % 4 == 0 && BK % 8 == 0, "tile shape");
#if SRT_CUDA_ARCH >= 800
  constexpr bool kMma = TF32;
#else
  constexpr bool kMma = false;
#endif
  constexpr int kWarpsN = kThreads / 32 / WARPS_M;
  constexpr int kWarpM = BM / WARPS_M, kWarpN = BN / kWarpsN;  // a warp's sub-tile
  constexpr int kMT = kWarpM / 16, kNT = kWarpN / 8;           // its m16n8 products
  static_assert(!TF32 || (kThreads % 32 == 0 && kMT * kNT * 4 == kAcc), "tensor-core warp tiling");

  __align__(16) __shared__ float as[2][BK][kLdA];  // as[s][kk][i] = op(A)[row0 + i][k0 + kk]
  __align__(16) __shared__ float bs[2][BK][kLdB];  // bs[s][kk][j] = op(B)[k0 + kk][col0 + j]

  const int tid = threadIdx.x;
  const int ty = tid / (BN / TN), tx = tid % (BN / TN);  // float32 path: the thread's rows / columns
  const int warp = tid / 32, lane = tid % 32;            // tensor-core path
  const int warp_row = warp % WARPS_M * kWarpM, warp_col = warp / WARPS_M * kWarpN;
  const int group = lane / 4, quad = lane % 4;
  const int64_t col0 = int64_t(blockIdx.x) * BN;
  const int64_t k_tiles = (p.k + BK - 1) / BK;

  for (int64_t batch = blockIdx.z; batch < p.batch; batch += gridDim.z) {
    const float* a = p.a + batch * p.batch_stride_a;
    const float* b = p.b + batch * p.batch_stride_b;
    float* c = p.c + batch * p.batch_stride_c;
    for (int64_t tm = blockIdx.y; tm < tiles_m; tm += gridDim.y) {
      const int64_t row0 = tm * BM;
      float ra[kLoadsA][4], rb[kLoadsB][4];  // the next K step, on its way to shared memory

      float acc[kAcc];
      for (int e = 0; e < kAcc; ++e) acc[e] = 0.0f;
      if (k_tiles > 0) {
        load_operand<BM, BK, kThreads, kLoadsA, !TA>(ra, a, p.lda, row0, p.m, 0, p.k, p.vec_a, tid);
        load_operand<BN, BK, kThreads, kLoadsB, TB>(rb, b, p.ldb, col0, p.n, 0, p.k, p.vec_b, tid);
        store_operand<BM, BK, kLdA, kThreads, kLoadsA, !TA>(as[0], ra, TF32, tid);
        store_operand<BN, BK, kLdB, kThreads, kLoadsB, TB>(bs[0], rb, TF32, tid);
      }
      __syncthreads();
      for (int64_t kt = 0; kt < k_tiles; ++kt) {
        const int s = static_cast<int>(kt & 1);
        const bool more = kt + 1 < k_tiles;
        if (more) {  // the next step's global loads fly while this one is multiplied
          const int64_t k0 = (kt + 1) * BK;
          load_operand<BM, BK, kThreads, kLoadsA, !TA>(ra, a, p.lda, row0, p.m, k0, p.k, p.vec_a, tid);
          load_operand<BN, BK, kThreads, kLoadsB, TB>(rb, b, p.ldb, col0, p.n, k0, p.k, p.vec_b, tid);
        }
        if constexpr (kMma) {
#if SRT_CUDA_ARCH >= 800
          // Fragments of m16n8k8 (PTX ISA): A a0 (g, q), a1 (g+8, q), a2 (g, q+4), a3 (g+8, q+4);
          // B b0 (k q, n g), b1 (k q+4, n g); with g = lane / 4, q = lane % 4.
#pragma unroll
          for (int k8 = 0; k8 < BK; k8 += 8) {
            uint32_t fa[kMT][4], fb[kNT][2];
#pragma unroll
            for (int mt = 0; mt < kMT; ++mt) {
              const int r = warp_row + mt * 16 + group;
              fa[mt][0] = __float_as_uint(as[s][k8 + quad][r]);
              fa[mt][1] = __float_as_uint(as[s][k8 + quad][r + 8]);
              fa[mt][2] = __float_as_uint(as[s][k8 + quad + 4][r]);
              fa[mt][3] = __float_as_uint(as[s][k8 + quad + 4][r + 8]);
            }
#pragma unroll
            for (int nt = 0; nt < kNT; ++nt) {
              const int cc = warp_col + nt * 8 + group;
              fb[nt][0] = __float_as_uint(bs[s][k8 + quad][cc]);
              fb[nt][1] = __float_as_uint(bs[s][k8 + quad + 4][cc]);
            }
#pragma unroll
            for (int mt = 0; mt < kMT; ++mt)
#pragma unroll
              for (int nt = 0; nt < kNT; ++nt) {
                float(&d)[4] = *reinterpret_cast<float(*)[4]>(&acc[(mt * kNT + nt) * 4]);
                mma_tf32(d, fa[mt], fb[nt]);
              }
          }
#endif
        } else {
          // Float32 outer products. The thread's rows are TM / 4 runs of 4, BM / (TM / 4) apart
          // (likewise its columns), so that a warp's float4 shared reads do not collide in banks.
#pragma unroll
          for (int kk = 0; kk < BK; ++kk) {
            float fa[TM], fb[TN];
#pragma unroll
            for (int q = 0; q < TM / 4; ++q) {
              float v[4];
              load4(&as[s][kk][q * (BM / (TM / 4)) + ty * 4], v);
              for (int e = 0; e < 4; ++e) fa[q * 4 + e] = v[e];
            }
#pragma unroll
            for (int q = 0; q < TN / 4; ++q) {
              float v[4];
              load4(&bs[s][kk][q * (BN / (TN / 4)) + tx * 4], v);
              for (int e = 0; e < 4; ++e) fb[q * 4 + e] = v[e];
            }
#pragma unroll
            for (int i = 0; i < TM; ++i)
#pragma unroll
              for (int j = 0; j < TN; ++j) acc[i * TN + j] += fa[i] * fb[j];
          }
        }
        if (more) {  // to the other buffer: its last readers passed the barrier below
          store_operand<BM, BK, kLdA, kThreads, kLoadsA, !TA>(as[s ^ 1], ra, TF32, tid);
          store_operand<BN, BK, kLdB, kThreads, kLoadsB, TB>(bs[s ^ 1], rb, TF32, tid);
        }
        __syncthreads();
      }

      // Epilogue: each accumulator to its element of C.
      if constexpr (kMma) {
#pragma unroll
        for (int e = 0; e < kAcc; ++e) {  // d0 (g, 2q), d1 (g, 2q+1), d2 (g+8, 2q), d3 (g+8, 2q+1) of (mt, nt)
          const int mt = e / 4 / kNT, nt = e / 4 % kNT, x = e % 4;
          const int64_t i = row0 + warp_row + mt * 16 + group + (x >> 1) * 8;
          const int64_t j = col0 + warp_col + nt * 8 + quad * 2 + (x & 1);
          if (i < p.m && j < p.n) store_c(p, c, i, j, acc[e]);
        }
      } else {
        // Runs of 4 columns: one float4 store (and load of C) where C's rows allow it.
#pragma unroll
        for (int ii = 0; ii < TM; ++ii) {
          const int64_t i = row0 + ii / 4 * (BM / (TM / 4)) + ty * 4 + ii % 4;
#pragma unroll
          for (int q = 0; q < TN / 4; ++q) {
            const int64_t j = col0 + q * (BN / (TN / 4)) + tx * 4;
            const float* run = &acc[ii * TN + q * 4];
            if (i < p.m && p.vec_c && j + 3 < p.n) {
              float* dst = c + i * p.c_row + j;
              float v[4], old[4] = {0.0f, 0.0f, 0.0f, 0.0f};
              if (p.beta != 0.0f) load4(dst, old);
              for (int e = 0; e < 4; ++e) {
                v[e] = p.alpha * run[e];
                if (p.beta != 0.0f) v[e] += p.beta * old[e];
                if (p.bias) v[e] += p.bias[i * p.bias_row + (j + e) * p.bias_col];
              }
              store4(dst, v);
            } else if (i < p.m) {
              for (int e = 0; e < 4; ++e)
                if (j + e < p.n) store_c(p, c, i, j + e, run[e]);
            }
          }
        }
      }
    }
  }
}

// ---- the skinny kernel (few rows) ----------------------------------------------------------------

constexpr int kSkinnyRows = 8, kSkinnyCols = 64, kSkinnyK = 32, kSkinnySplit = 4;
constexpr int kSkinnyThreads = kSkinnyCols * kSkinnySplit;  // 256

// Block: kSkinnyRows rows x kSkinnyCols columns of C. Thread (column cl = tid % 64, part
// s = tid / 64) sums the products of k = s, s + 4, ... of each K step for its column and the 8 rows;
// the four parts are added through shared memory at the end.
template <bool TA, bool TB>
__global__ void __launch_bounds__(kSkinnyThreads) gemm_skinny_kernel(Params p, int64_t row_groups, bool tf32) {
  constexpr int kLoadsA = 1;  // float4 runs per thread: 64 of A, 512 of B per K step
  constexpr int kLoadsB = kSkinnyK * kSkinnyCols / 4 / kSkinnyThreads;
  constexpr int kLdA = kSkinnyRows + 4, kLdB = kSkinnyCols + 4;
  __align__(16) __shared__ float as[2][kSkinnyK][kLdA];
  __align__(16) __shared__ float bs[2][kSkinnyK][kLdB];
  __shared__ float part[kSkinnySplit][kSkinnyRows][kSkinnyCols];

  const int tid = threadIdx.x;
  const int cl = tid % kSkinnyCols, split = tid / kSkinnyCols;
  const int64_t col0 = int64_t(blockIdx.x) * kSkinnyCols;
  const int64_t k_tiles = (p.k + kSkinnyK - 1) / kSkinnyK;

  for (int64_t batch = blockIdx.z; batch < p.batch; batch += gridDim.z) {
    const float* a = p.a + batch * p.batch_stride_a;
    const float* b = p.b + batch * p.batch_stride_b;
    float* c = p.c + batch * p.batch_stride_c;
    for (int64_t rg = blockIdx.y; rg < row_groups; rg += gridDim.y) {
      const int64_t row0 = rg * kSkinnyRows;
      float ra[kLoadsA][4], rb[kLoadsB][4];
      float acc[kSkinnyRows];
      for (int i = 0; i < kSkinnyRows; ++i) acc[i] = 0.0f;
      if (k_tiles > 0) {
        load_operand<kSkinnyRows, kSkinnyK, kSkinnyThreads, kLoadsA, !TA>(ra, a, p.lda, row0, p.m, 0, p.k, p.vec_a, tid);
        load_operand<kSkinnyCols, kSkinnyK, kSkinnyThreads, kLoadsB, TB>(rb, b, p.ldb, col0, p.n, 0, p.k, p.vec_b, tid);
        store_operand<kSkinnyRows, kSkinnyK, kLdA, kSkinnyThreads, kLoadsA, !TA>(as[0], ra, tf32, tid);
        store_operand<kSkinnyCols, kSkinnyK, kLdB, kSkinnyThreads, kLoadsB, TB>(bs[0], rb, tf32, tid);
      }
      __syncthreads();
      for (int64_t kt = 0; kt < k_tiles; ++kt) {
        const int s = static_cast<int>(kt & 1);
        const bool more = kt + 1 < k_tiles;
        if (more) {
          const int64_t k0 = (kt + 1) * kSkinnyK;
          load_operand<kSkinnyRows, kSkinnyK, kSkinnyThreads, kLoadsA, !TA>(ra, a, p.lda, row0, p.m, k0, p.k, p.vec_a, tid);
          load_operand<kSkinnyCols, kSkinnyK, kSkinnyThreads, kLoadsB, TB>(rb, b, p.ldb, col0, p.n, k0, p.k, p.vec_b, tid);
        }
#pragma unroll
        for (int kk = split; kk < kSkinnyK; kk += kSkinnySplit) {
          const float bv = bs[s][kk][cl];
#pragma unroll
          for (int i = 0; i < kSkinnyRows; ++i) acc[i] += as[s][kk][i] * bv;  // as[s][kk][i]: a broadcast
        }
        if (more) {
          store_operand<kSkinnyRows, kSkinnyK, kLdA, kSkinnyThreads, kLoadsA, !TA>(as[s ^ 1], ra, tf32, tid);
          store_operand<kSkinnyCols, kSkinnyK, kLdB, kSkinnyThreads, kLoadsB, TB>(bs[s ^ 1], rb, tf32, tid);
        }
        __syncthreads();
      }
      for (int i = 0; i < kSkinnyRows; ++i) part[split][i][cl] = acc[i];
      __syncthreads();
      for (int o = tid; o < kSkinnyRows * kSkinnyCols; o += kSkinnyThreads) {
        const int i = o / kSkinnyCols, j = o % kSkinnyCols;
        const float sum = ((part[0][i][j] + part[1][i][j]) + part[2][i][j]) + part[3][i][j];
        if (row0 + i < p.m && col0 + j < p.n) store_c(p, c, row0 + i, col0 + j, sum);
      }
      __syncthreads();  // `part` is rewritten by the next row group
    }
  }
}

// ---- dispatch ------------------------------------------------------------------------------------

// Enough blocks to occupy an H100 (132 SMs) without relying on more than one block per SM.
constexpr int64_t kEnoughBlocks = 128;

unsigned cap_grid(int64_t v) { return static_cast<unsigned>(v < 65535 ? v : 65535); }

template <int BM, int BN, int BK, int TM, int TN, int WARPS_M, bool TF32>
void launch_tiled(const Params& p, bool ta, bool tb, cudaStream_t stream) {
  const int64_t tiles_m = (p.m + BM - 1) / BM, tiles_n = (p.n + BN - 1) / BN;
  const dim3 grid(static_cast<unsigned>(tiles_n), cap_grid(tiles_m), cap_grid(p.batch));
  const dim3 block((BM / TM) * (BN / TN));
  if (!ta && !tb)
    SRT_LAUNCH(grid, block, 0, stream, gemm_tiled_kernel<BM, BN, BK, TM, TN, WARPS_M, false, false, TF32>)(p, tiles_m);
  else if (ta && !tb)
    SRT_LAUNCH(grid, block, 0, stream, gemm_tiled_kernel<BM, BN, BK, TM, TN, WARPS_M, true, false, TF32>)(p, tiles_m);
  else if (!ta && tb)
    SRT_LAUNCH(grid, block, 0, stream, gemm_tiled_kernel<BM, BN, BK, TM, TN, WARPS_M, false, true, TF32>)(p, tiles_m);
  else
    SRT_LAUNCH(grid, block, 0, stream, gemm_tiled_kernel<BM, BN, BK, TM, TN, WARPS_M, true, true, TF32>)(p, tiles_m);
}

void launch_skinny(const Params& p, bool ta, bool tb, bool tf32, cudaStream_t stream) {
  const int64_t row_groups = (p.m + kSkinnyRows - 1) / kSkinnyRows;
  const int64_t col_tiles = (p.n + kSkinnyCols - 1) / kSkinnyCols;
  const dim3 grid(static_cast<unsigned>(col_tiles), cap_grid(row_groups), cap_grid(p.batch));
  if (!ta && !tb)
    SRT_LAUNCH(grid, kSkinnyThreads, 0, stream, gemm_skinny_kernel<false, false>)(p, row_groups, tf32);
  else if (ta && !tb)
    SRT_LAUNCH(grid, kSkinnyThreads, 0, stream, gemm_skinny_kernel<true, false>)(p, row_groups, tf32);
  else if (!ta && tb)
    SRT_LAUNCH(grid, kSkinnyThreads, 0, stream, gemm_skinny_kernel<false, true>)(p, row_groups, tf32);
  else
    SRT_LAUNCH(grid, kSkinnyThreads, 0, stream, gemm_skinny_kernel<true, true>)(p, row_groups, tf32);
}

// float4 loads of an operand are aligned when its base, row stride and batch stride are multiples
// of 4 floats.
bool vec_ok(const float* ptr, int64_t ld, int64_t batch_stride, int64_t batch) {
  return reinterpret_cast<uintptr_t>(ptr) % 16 == 0 && ld % 4 == 0 && (batch == 1 || batch_stride % 4 == 0);
}

}  // namespace

void sgemm(const Gemm& g, cudaStream_t stream, bool tf32) {
  if (g.m <= 0 || g.n <= 0 || g.batch <= 0) return;
  Params p;
  bool ta = g.trans_a, tb = g.trans_b;
  p.m = g.m;
  p.n = g.n;
  p.k = g.alpha == 0.0f ? 0 : g.k;  // BLAS convention: alpha == 0 reads neither A nor B
  p.alpha = g.alpha;
  p.beta = g.beta;
  p.a = g.a;
  p.lda = g.lda;
  p.batch_stride_a = g.batch_stride_a;
  p.b = g.b;
  p.ldb = g.ldb;
  p.batch_stride_b = g.batch_stride_b;
  p.c = g.c;
  p.c_row = g.ldc;
  p.c_col = 1;
  p.batch_stride_c = g.batch_stride_c;
  p.batch = g.batch;
  p.bias = g.bias;
  p.bias_row = g.bias_row_stride;
  p.bias_col = g.bias_col_stride;

  if (p.m > 16 && p.n <= 16) {
    // Few columns: compute C^T (n x m) = op(B)^T op(A)^T, so that the skinny kernel applies.
    std::swap(p.m, p.n);
    std::swap(p.a, p.b);
    std::swap(p.lda, p.ldb);
    std::swap(p.batch_stride_a, p.batch_stride_b);
    std::swap(p.c_row, p.c_col);
    std::swap(p.bias_row, p.bias_col);
    const bool t = ta;
    ta = !tb;
    tb = !t;
  }
  p.vec_a = vec_ok(p.a, p.lda, p.batch_stride_a, p.batch);
  p.vec_b = vec_ok(p.b, p.ldb, p.batch_stride_b, p.batch);
  p.vec_c = p.c_col == 1 && vec_ok(p.c, p.c_row, p.batch_stride_c, p.batch);

  auto blocks = [&p](int64_t bm, int64_t bn) { return (p.m + bm - 1) / bm * ((p.n + bn - 1) / bn) * p.batch; };
  if (p.m <= 16) {
    launch_skinny(p, ta, tb, tf32, stream);
  } else if (blocks(128, 128) >= kEnoughBlocks) {
    if (tf32) launch_tiled<128, 128, 16, 8, 8, 2, true>(p, ta, tb, stream);
    else launch_tiled<128, 128, 8, 8, 8, 2, false>(p, ta, tb, stream);
  } else if (blocks(64, 64) >= kEnoughBlocks) {
    if (tf32) launch_tiled<64, 64, 16, 4, 4, 2, true>(p, ta, tb, stream);
    else launch_tiled<64, 64, 16, 4, 4, 2, false>(p, ta, tb, stream);
  } else {
    if (tf32) launch_tiled<32, 32, 32, 4, 4, 2, true>(p, ta, tb, stream);
    else launch_tiled<32, 32, 32, 4, 4, 2, false>(p, ta, tb, stream);
  }
  check_launch("sgemm");
}

}  // namespace cuda
}  // namespace srt
