// The GEMM every CUDA matrix kernel (Gemm, MatMul, Conv, ConvTranspose) goes through: our own
// tiled shared-memory SGEMM, with TF32 tensor cores when the engine's precision mode allows it.
#pragma once
#include <cstdint>

#include "cuda/cuda_shim.h"

namespace srt {
namespace cuda {

// Row-major C[b] = alpha * op(A[b]) * op(B[b]) + beta * C[b] (+ bias) for b in [0, batch).
// op(A) is m x k: A is m x k (lda >= k), or k x m when trans_a (lda >= m); likewise op(B) is
// k x n. Matrix b of each operand starts batch_stride_* elements after matrix b - 1 (0 reuses
// one matrix for every b). beta == 0 means C is not read (it may hold garbage or NaN).
// bias, when set, is added last: C[i][j] += bias[i * bias_row_stride + j * bias_col_stride]
// (same for every b).
struct Gemm {
  bool trans_a = false, trans_b = false;
  int64_t m = 0, n = 0, k = 0;
  float alpha = 1.0f, beta = 0.0f;
  const float* a = nullptr;
  int64_t lda = 0, batch_stride_a = 0;
  const float* b = nullptr;
  int64_t ldb = 0, batch_stride_b = 0;
  float* c = nullptr;
  int64_t ldc = 0, batch_stride_c = 0;
  int64_t batch = 1;
  const float* bias = nullptr;
  int64_t bias_row_stride = 0, bias_col_stride = 0;
};

// Enqueues the product on `stream` (no allocation, no synchronisation: graph-capturable).
// tf32: inputs rounded to TF32 on tensor cores (sm_80+), accumulation in float32.
void sgemm(const Gemm& g, cudaStream_t stream, bool tf32);

}  // namespace cuda
}  // namespace srt
