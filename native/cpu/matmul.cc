// MatMul: A (..., M, K) x B (..., K, N) -> Y (..., M, N), both ranks >= 2, the leading (batch)
// dims broadcast numpy-style against Y's (from the plan). When B has no batch of its own and A's
// slices are contiguous, the whole batch is one sgemm; otherwise each batch slice is one product:
// many small or mid-sized ones are split over the threads (one thread per product), a few large
// ones each use every thread inside sgemm.
#include <algorithm>
#include <string>
#include <vector>

#include "core/kernel.h"
#include "cpu/broadcast.h"
#include "cpu/gemm.h"
#include "cpu/supports.h"

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#include <immintrin.h>
#endif

namespace srt {
namespace cpu {

std::string supports_matmul(const NodeSig& sig) {
  if (sig.in_types.size() != 2) return "MatMul: expects 2 inputs, got " + std::to_string(sig.in_types.size());
  if (sig.out_types.size() != 1) return "MatMul: expects 1 output, got " + std::to_string(sig.out_types.size());
  std::string why = require_types(sig, {DType::F32});
  if (!why.empty()) return why;
  for (int i = 0; i < 2; ++i)
    if (sig.in_ranks[i] < 2)
      return "MatMul: input " + std::to_string(i) + " has rank " + std::to_string(sig.in_ranks[i]) +
             ", supported 2 or more";
  const int r = std::max(sig.in_ranks[0], sig.in_ranks[1]);
  if (sig.out_ranks[0] != r)
    return "MatMul: output has rank " + std::to_string(sig.out_ranks[0]) + ", expected " + std::to_string(r);
  return "";
}

}  // namespace cpu

namespace {

[[noreturn]] void bad_dims(const Tensor& A, const Tensor& B, const Tensor& Y) {
  auto str = [](const Dims& d) {
    std::string s = "(";
    for (size_t i = 0; i < d.size(); ++i) s += (i ? ", " : "") + std::to_string(d[i]);
    return s + ")";
  };
  throw Error(kErrInvalidPlan, "MatMul: " + str(A.dims) + " x " + str(B.dims) + " does not give " + str(Y.dims));
}

// The rows of each sgemm call: all of Y's (batch * M) when every slice uses the same B and A's
// slices are consecutive (one product), else M (one product per slice).
int64_t product_rows(const Dims& a, const Dims& b, const Dims& y) {
  const int64_t M = a[a.size() - 2], K = a.back(), N = b.back();
  const int64_t batch = M != 0 && N != 0 ? numel(y) / (M * N) : 0;
  const bool one = numel(b) == K * N && numel(a) == batch * M * K;
  return one ? batch * M : M;
}

// B packed once for sgemm when it is constant (a weight) with no batch of its own, so that every
// slice uses it, and this plan's shape takes sgemm's packed path.
std::shared_ptr<const void> prepare_matmul(const PrepareCall& p) {
  if (p.in.size() != 2 || p.out.size() != 1 || !p.in[1].data || p.in[0].rank() < 2 || p.in[1].rank() < 2 ||
      p.out[0].rank() < 2)
    return nullptr;
  const Tensor& B = p.in[1];
  const int64_t K = B.dims[B.rank() - 2], N = B.dims[B.rank() - 1];
  if (B.numel() != K * N || p.in[0].dims.back() != K || p.out[0].dims.back() != N) return nullptr;
  if (!sgemm_packs(false, false, product_rows(p.in[0].dims, B.dims, p.out[0].dims), N, K)) return nullptr;
  return p.shared(1, "sgemm-b:n", [&] { return sgemm_pack_b(false, K, N, B.ptr<const float>(), N); });
}

// Slices at most this many multiply-adds go through small_product instead of sgemm (whose call,
// dispatch and operand handling cost more than such a product: attention's per-head 8 x 16 x 8).
constexpr int64_t kSmallProduct = int64_t(1) << 14;

// y (M x N) = a (M x K) * b (K x N), all row-major and contiguous, summed in k order.
inline __attribute__((always_inline)) void small_product_body(int64_t M, int64_t N, int64_t K, const float* a,
                                                                const float* b, float* y) {
  for (int64_t i = 0; i < M; ++i) {
    float* yr = y + i * N;
    const float* ar = a + i * K;
    for (int64_t j = 0; j < N; ++j) yr[j] = 0.f;
    for (int64_t k = 0; k < K; ++k) {
      const float av = ar[k];
      const float* br = b + k * N;
      for (int64_t j = 0; j < N; ++j) yr[j] += av * br[j];
    }
  }
}

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
template <bool Full>
__attribute__((target("avx2,fma"), always_inline)) inline void small_product_cols(int64_t M, int64_t N, int64_t K,
                                                                                   const float* a, const float* bj,
                                                                                   float* yj, __m256i mask) {
  // (Masked loads and stores only for the last columns: AMD cores microcode vmaskmovps stores.)
#define SRT_MM_LOAD(p) (Full ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, mask))
#define SRT_MM_STORE(p, v) (Full ? _mm256_storeu_ps(p, v) : _mm256_maskstore_ps(p, mask, v))
  int64_t i = 0;
  for (; i + 4 <= M; i += 4) {
    const float* a0 = a + i * K;
    __m256 c0 = _mm256_setzero_ps(), c1 = c0, c2 = c0, c3 = c0;
    for (int64_t k = 0; k < K; ++k) {
      const __m256 bv = SRT_MM_LOAD(bj + k * N);
      c0 = _mm256_fmadd_ps(_mm256_broadcast_ss(a0 + k), bv, c0);
      c1 = _mm256_fmadd_ps(_mm256_broadcast_ss(a0 + K + k), bv, c1);
      c2 = _mm256_fmadd_ps(_mm256_broadcast_ss(a0 + 2 * K + k), bv, c2);
      c3 = _mm256_fmadd_ps(_mm256_broadcast_ss(a0 + 3 * K + k), bv, c3);
    }
    float* yi = yj + i * N;
    SRT_MM_STORE(yi, c0);
    SRT_MM_STORE(yi + N, c1);
    SRT_MM_STORE(yi + 2 * N, c2);
    SRT_MM_STORE(yi + 3 * N, c3);
  }
  for (; i < M; ++i) {
    const float* ai = a + i * K;
    __m256 c0 = _mm256_setzero_ps(), c1 = c0;
    int64_t k = 0;
    for (; k + 2 <= K; k += 2) {
      c0 = _mm256_fmadd_ps(_mm256_broadcast_ss(ai + k), SRT_MM_LOAD(bj + k * N), c0);
      c1 = _mm256_fmadd_ps(_mm256_broadcast_ss(ai + k + 1), SRT_MM_LOAD(bj + (k + 1) * N), c1);
    }
    if (k < K) c0 = _mm256_fmadd_ps(_mm256_broadcast_ss(ai + k), SRT_MM_LOAD(bj + k * N), c0);
    SRT_MM_STORE(yj + i * N, _mm256_add_ps(c0, c1));
  }
#undef SRT_MM_LOAD
#undef SRT_MM_STORE
}

// The same product with AVX2/FMA: 8 columns at a time, 4 rows sharing each load of b, so that
// four independent accumulator chains hide the FMA latency.
__attribute__((target("avx2,fma"))) void small_product_avx2(int64_t M, int64_t N, int64_t K, const float* a,
                                                             const float* b, float* y) {
  alignas(32) static const int32_t kMaskSrc[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
  int64_t j = 0;
  for (; j + 8 <= N; j += 8) small_product_cols<true>(M, N, K, a, b + j, y + j, _mm256_setzero_si256());
  if (j < N) {
    const __m256i mask = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kMaskSrc + 8 - (N - j)));
    small_product_cols<false>(M, N, K, a, b + j, y + j, mask);
  }
}
bool have_avx2_fma() {
  static const bool has = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }();
  return has;
}
#endif

void small_product_generic(int64_t M, int64_t N, int64_t K, const float* a, const float* b, float* y) {
  small_product_body(M, N, K, a, b, y);
}

using SmallProductFn = void (*)(int64_t, int64_t, int64_t, const float*, const float*, float*);
SmallProductFn small_product() {
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
  if (have_avx2_fma()) return small_product_avx2;
#endif
  return small_product_generic;
}

void run_matmul(const KernelCall& call) {
  const Tensor& A = *call.in[0];
  const Tensor& B = *call.in[1];
  Tensor& Y = *call.out[0];
  const int ra = A.rank(), rb = B.rank(), r = Y.rank();
  if (ra < 2 || rb < 2 || r != std::max(ra, rb)) bad_dims(A, B, Y);
  const int64_t M = A.dims[ra - 2], K = A.dims[ra - 1], N = B.dims[rb - 1];
  if (B.dims[rb - 2] != K || Y.dims[r - 2] != M || Y.dims[r - 1] != N) bad_dims(A, B, Y);

  // Batch axes of Y: their product, and A's and B's (1 where they broadcast).
  const int nb_axes = r - 2;
  int64_t batch = 1, a_batch = 1, b_batch = 1;
  auto dims_at = [&](int ax, int64_t* da, int64_t* db) {
    const int ia = ax - (r - ra), ib = ax - (r - rb);  // the aligned axis of A / B, or < 0
    *da = ia >= 0 ? A.dims[ia] : 1;
    *db = ib >= 0 ? B.dims[ib] : 1;
  };
  for (int ax = 0; ax < nb_axes; ++ax) {
    const int64_t d = Y.dims[ax];
    int64_t da, db;
    dims_at(ax, &da, &db);
    if ((da != d && da != 1) || (db != d && db != 1)) bad_dims(A, B, Y);
    batch *= d;
    a_batch *= da;
    b_batch *= db;
  }
  if (batch == 0 || M == 0 || N == 0) return;
  const float* a = A.ptr<const float>();
  const float* b = B.ptr<const float>();
  float* y = Y.ptr<float>();
  // B packed at compile time (prepare_matmul): only made when B has no batch of its own.
  const SgemmPacked* packed_b = b_batch == 1 ? static_cast<const SgemmPacked*>(call.prepared) : nullptr;

  if (b_batch == 1 && a_batch == batch) {
    // Every slice uses the same B and A's slices are consecutive: one (batch * M) x N product.
    sgemm(false, false, batch * M, N, K, 1.f, a, K, b, N, 0.f, y, N, call.ctx, nullptr, packed_b);
    return;
  }
  // Per batch axis: Y's dim and A's and B's element strides (0 where they broadcast).
  cpu::WalkDims bdims(nb_axes, 0), astr(nb_axes, 0), bstr(nb_axes, 0);
  {
    int64_t sa = M * K, sb = K * N;
    for (int ax = nb_axes - 1; ax >= 0; --ax) {
      int64_t da, db;
      dims_at(ax, &da, &db);
      bdims[ax] = Y.dims[ax];
      astr[ax] = da == 1 ? 0 : sa;
      bstr[ax] = db == 1 ? 0 : sb;
      sa *= da;
      sb *= db;
    }
  }
  // Slice s's operand offsets (the batch odometer, last axis fastest).
  auto offsets = [&](int64_t s, int64_t* off_a, int64_t* off_b) {
    int64_t oa = 0, ob = 0;
    for (int ax = nb_axes - 1; ax >= 0; --ax) {
      const int64_t i = s % bdims[ax];
      s /= bdims[ax];
      oa += i * astr[ax];
      ob += i * bstr[ax];
    }
    *off_a = oa;
    *off_b = ob;
  };
  const int64_t mnk = M * N * K;
  const int threads = call.ctx.threads();
  if (mnk <= kSmallProduct || (threads > 1 && batch >= 2 * threads && mnk < (int64_t(1) << 21))) {
    // Many products (attention's per-head ones): the slices are split over the threads, each
    // product on one thread (small ones directly, larger ones through a single-threaded sgemm).
    const SmallProductFn small = small_product();
    call.ctx.parallel_for(
        batch,
        [&](int64_t s0, int64_t s1) {
          ExecContext local;  // no pool: sgemm runs on this thread
          for (int64_t s = s0; s < s1; ++s) {
            int64_t oa, ob;
            offsets(s, &oa, &ob);
            if (mnk <= kSmallProduct)
              small(M, N, K, a + oa, b + ob, y + s * M * N);
            else
              sgemm(false, false, M, N, K, 1.f, a + oa, K, b + ob, N, 0.f, y + s * M * N, N, local, nullptr,
                    packed_b);
          }
        },
        batch * (mnk + M * N));
    return;
  }
  for (int64_t s = 0; s < batch; ++s) {
    int64_t oa, ob;
    offsets(s, &oa, &ob);
    sgemm(false, false, M, N, K, 1.f, a + oa, K, b + ob, N, 0.f, y + s * M * N, N, call.ctx, nullptr, packed_b);
  }
}

}  // namespace

SRT_KERNEL_PREPARED("MatMul", CPU, cpu::supports_matmul, run_matmul, prepare_matmul);

}  // namespace srt
