// CUDA twin of cpu/gemm_op.cc. Gemm: Y = alpha * op(A) * op(B) + beta * C, A and B rank 2, C
// (optional) broadcast to (M, N). One sgemm: with beta == 1 C is the product's bias epilogue
// (read with stride 0 along its broadcast dims); with another beta, C is first broadcast into Y
// by a small kernel and the product accumulates onto it with that beta.
#include <string>

#include "cpu/supports.h"
#include "cuda/activation.h"
#include "cuda/cuda_util.h"
#include "cuda/gemm.h"

namespace srt {
namespace {


// y[i][j] = c[i * row_stride + j * col_stride] for the (m, n) output, grid-stride.
__global__ void broadcast_c_kernel(const float* __restrict__ c, int64_t row_stride, int64_t col_stride,
                                   float* __restrict__ y, int64_t m, int64_t n) {
  const int64_t total = m * n;
  for (int64_t e = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; e < total; e += int64_t(gridDim.x) * blockDim.x) {
    const int64_t i = e / n, j = e - i * n;
    y[e] = c[i * row_stride + j * col_stride];
  }
}

void run_gemm_product(const KernelCall& call) {
  const Tensor& A = cpu::input(call, 0, "Gemm");
  const Tensor& B = cpu::input(call, 1, "Gemm");
  const Tensor* C = call.in.size() > 2 ? call.in[2] : nullptr;
  Tensor& Y = cpu::output(call, 0, "Gemm");
  if (A.dtype != DType::F32 || B.dtype != DType::F32 || Y.dtype != DType::F32 || (C && C->dtype != DType::F32))
    cpu::fail_plan("Gemm: unsupported types");
  if (A.rank() != 2 || B.rank() != 2 || (C && C->rank() > 2)) cpu::fail_plan("Gemm: A and B must have rank 2, C rank <= 2");
  const bool trans_a = call.attrs.i("transA", 0) != 0;
  const bool trans_b = call.attrs.i("transB", 0) != 0;
  const float alpha = static_cast<float>(call.attrs.f("alpha", 1.0));
  const float beta = static_cast<float>(call.attrs.f("beta", 1.0));

  const int64_t M = trans_a ? A.dims[1] : A.dims[0];
  const int64_t K = trans_a ? A.dims[0] : A.dims[1];
  const int64_t Kb = trans_b ? B.dims[1] : B.dims[0];
  const int64_t N = trans_b ? B.dims[0] : B.dims[1];
  if (K != Kb || Y.dims.size() != 2 || Y.dims[0] != M || Y.dims[1] != N)
    throw Error(kErrInvalidPlan, "Gemm: op(A) is " + std::to_string(M) + "x" + std::to_string(K) + ", op(B) is " +
                                     std::to_string(Kb) + "x" + std::to_string(N) + ", output dims do not match");
  if (M == 0 || N == 0) return;
  cudaStream_t stream = cuda::stream_of(call);

  cuda::Gemm g;
  g.trans_a = trans_a;
  g.trans_b = trans_b;
  g.m = M;
  g.n = N;
  g.k = K;
  g.alpha = alpha;
  g.a = A.ptr<const float>();
  g.lda = A.dims[1];
  g.b = B.ptr<const float>();
  g.ldb = B.dims[1];
  g.c = Y.ptr<float>();
  g.ldc = N;

  // C broadcast to (M, N): right-aligned, a dim of 1 repeats (stride 0).
  const bool use_c = C != nullptr && beta != 0.f;
  if (use_c) {
    const int rc = C->rank();
    const int64_t cm = rc == 2 ? C->dims[0] : 1;
    const int64_t cn = rc >= 1 ? C->dims[rc - 1] : 1;
    if ((cm != 1 && cm != M) || (cn != 1 && cn != N))
      throw Error(kErrInvalidPlan, "Gemm: C does not broadcast to (" + std::to_string(M) + ", " + std::to_string(N) + ")");
    const int64_t row_stride = cm == 1 ? 0 : cn;
    const int64_t col_stride = cn == 1 ? 0 : 1;
    if (beta == 1.0f) {
      g.bias = C->ptr<const float>();
      g.bias_row_stride = row_stride;
      g.bias_col_stride = col_stride;
    } else {
      SRT_LAUNCH(cuda::blocks_for(M * N), cuda::kThreads, 0, stream, broadcast_c_kernel)
      (C->ptr<const float>(), row_stride, col_stride, Y.ptr<float>(), M, N);
      cuda::check_launch("Gemm");
      g.beta = beta;
    }
  }
  cuda::sgemm(g, stream, cuda::device_of(call).tf32);
}

// The product, then the fused activation (cuda/activation.h) over the whole output.
void run_gemm(const KernelCall& call) {
  run_gemm_product(call);
  Tensor& Y = *call.out[0];
  cuda::apply_activation(activation_of(call.attrs), Y.ptr<float>(), Y.numel(), cuda::stream_of(call));
}

}  // namespace

SRT_KERNEL("Gemm", CUDA, cpu::supports_gemm, run_gemm);

}  // namespace srt
