// The one single-precision matrix product every CPU kernel goes through (Gemm, MatMul, Conv,
// ConvTranspose), so that a faster implementation can replace it in one place.
#pragma once
#include <cstdint>
#include <memory>

#include "core/kernel.h"
#include "cpu/activation.h"

namespace srt {

// Row-major C = alpha * op(A) * op(B) + beta * C, with op(A) M x K, op(B) K x N and C M x N.
// op(X) is X, or X transposed when the flag is set: A is then stored K x M (lda >= M), B N x K.
// lda/ldb/ldc are row strides in elements. beta == 0 overwrites C without reading it (NaN in the
// old contents does not leak); alpha == 0 or K == 0 never reads A or B (BLAS convention).
// Uses no ExecContext scratch memory (callers may hold theirs across the call); splits the work
// over rectangles of C with ctx.parallel_for.
void sgemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
           const float* B, int64_t ldb, float beta, float* C, int64_t ldc, ExecContext& ctx);

// What sgemm does to C after the product, tile by tile while each is in cache (a fused bias and
// activation): C[i][j] = act(product[i][j] + row_bias[i] + col_bias[j]), where product is
// alpha * op(A) * op(B) + beta * C; either bias may be nullptr.
struct SgemmEpilogue {
  const float* row_bias = nullptr;  // M values (a Conv's per-channel bias)
  const float* col_bias = nullptr;  // N values (a Gemm's bias over output features)
  Activation act;
  bool empty() const { return !row_bias && !col_bias && act.kind == Activation::None; }
};

// An operand packed once into the blocked layout sgemm's micro-kernel reads (for a weight: at plan
// compile time, from a kernel's prepare hook), so that sgemm skips packing it on every call.
struct SgemmPacked;
// op(B) (K x N, read from B as sgemm would) packed whole; nullptr when K or N is 0.
std::shared_ptr<const SgemmPacked> sgemm_pack_b(bool trans_b, int64_t K, int64_t N, const float* B, int64_t ldb);
// alpha * op(A) (M x K) packed whole (alpha is folded in: sgemm uses it only with the same alpha).
std::shared_ptr<const SgemmPacked> sgemm_pack_a(bool trans_a, int64_t M, int64_t K, float alpha, const float* A,
                                                int64_t lda);
// Does sgemm pack its operands for this shape (rather than streaming them on the skinny path)?
// Where it does not, packing them ahead of time is of no use.
bool sgemm_packs(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K);
// sgemm with operands packed ahead of time (either may be nullptr). A packed operand is used where
// it matches this product (its dims, and alpha for op(A)) and ignored otherwise; A and B must still
// be given (the skinny path streams them). The result is the same, bit for bit, as without them.
// epi (may be nullptr) is applied after the product, as above.
void sgemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
           const float* B, int64_t ldb, float beta, float* C, int64_t ldc, ExecContext& ctx,
           const SgemmPacked* packed_a, const SgemmPacked* packed_b, const SgemmEpilogue* epi = nullptr);

}  // namespace srt
