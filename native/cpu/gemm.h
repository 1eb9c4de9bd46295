// The one single-precision matrix product every CPU kernel goes through (Gemm, MatMul, Conv,
// ConvTranspose), so that a faster implementation can replace it in one place.
#pragma once
#include <cstdint>

#include "core/kernel.h"

namespace srt {

// Row-major C = alpha * op(A) * op(B) + beta * C, with op(A) M x K, op(B) K x N and C M x N.
// op(X) is X, or X transposed when the flag is set: A is then stored K x M (lda >= M), B N x K.
// lda/ldb/ldc are row strides in elements. beta == 0 overwrites C without reading it (NaN in the
// old contents does not leak); alpha == 0 or K == 0 never reads A or B (BLAS convention).
// Uses no ExecContext scratch memory (callers may hold theirs across the call); splits the work
// over row blocks with ctx.parallel_for.
void sgemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
           const float* B, int64_t ldb, float beta, float* C, int64_t ldc, ExecContext& ctx);

}  // namespace srt
