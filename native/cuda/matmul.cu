// CUDA twin of cpu/matmul.cc. MatMul: A (..., M, K) x B (..., K, N) -> Y (..., M, N), both ranks
// >= 2, the leading (batch) dims broadcast numpy-style against Y's (from the plan). (The parser
// lowers 1-D operands to matrices with Unsqueeze/Squeeze.) The batch axes are coalesced: the
// innermost run of axes along which A's and B's offsets grow by one stride each becomes one
// batched sgemm (stride 0 for a broadcast operand); any outer axes left are looped over on the
// host, one sgemm per outer index. When B is shared by every slice and A's slices are
// consecutive, the batch folds into the rows: one (batch * M) x N product.
#include <algorithm>
#include <string>
#include <vector>

#include "cpu/supports.h"
#include "cuda/cuda_util.h"
#include "cuda/gemm.h"

namespace srt {
namespace {


[[noreturn]] void bad_dims(const Tensor& A, const Tensor& B, const Tensor& Y) {
  throw Error(kErrInvalidPlan, "MatMul: " + cpu::dims_str(A.dims) + " x " + cpu::dims_str(B.dims) + " does not give " +
                                   cpu::dims_str(Y.dims));
}

// One batch axis of Y after coalescing: its size and A's / B's element strides along it.
struct BatchAxis {
  int64_t dim, stride_a, stride_b;
};

void run_matmul(const KernelCall& call) {
  const Tensor& A = cpu::input(call, 0, "MatMul");
  const Tensor& B = cpu::input(call, 1, "MatMul");
  Tensor& Y = cpu::output(call, 0, "MatMul");
  if (A.dtype != DType::F32 || B.dtype != DType::F32 || Y.dtype != DType::F32) cpu::fail_plan("MatMul: unsupported types");
  const int ra = A.rank(), rb = B.rank(), r = Y.rank();
  if (ra < 2 || rb < 2 || r != std::max(ra, rb)) bad_dims(A, B, Y);
  const int64_t M = A.dims[ra - 2], K = A.dims[ra - 1], N = B.dims[rb - 1];
  if (B.dims[rb - 2] != K || Y.dims[r - 2] != M || Y.dims[r - 1] != N) bad_dims(A, B, Y);

  // Batch axes of Y, innermost first, with A's and B's element strides (0 where they broadcast);
  // axes of size 1 are dropped and neighbours whose strides chain are merged.
  std::vector<BatchAxis> axes;  // innermost first
  int64_t batch = 1;
  {
    int64_t sa = M * K, sb = K * N;
    for (int ax = r - 3; ax >= 0; --ax) {
      const int64_t d = Y.dims[ax];
      const int ia = ax - (r - ra), ib = ax - (r - rb);  // the aligned axis of A / B, or < 0
      const int64_t da = ia >= 0 ? A.dims[ia] : 1;
      const int64_t db = ib >= 0 ? B.dims[ib] : 1;
      if ((da != d && da != 1) || (db != d && db != 1)) bad_dims(A, B, Y);
      const BatchAxis cur{d, da == 1 ? 0 : sa, db == 1 ? 0 : sb};
      sa *= da;
      sb *= db;
      batch *= d;
      if (d == 1) continue;
      if (!axes.empty()) {
        BatchAxis& in = axes.back();  // the next inner axis kept
        if (cur.stride_a == in.stride_a * in.dim && cur.stride_b == in.stride_b * in.dim) {
          in.dim *= d;
          continue;
        }
      }
      axes.push_back(cur);
    }
  }
  if (batch == 0 || M == 0 || N == 0) return;
  cudaStream_t stream = cuda::stream_of(call);
  const bool tf32 = cuda::device_of(call).tf32;

  cuda::Gemm g;
  g.m = M;
  g.n = N;
  g.k = K;
  g.a = A.ptr<const float>();
  g.lda = K;
  g.b = B.ptr<const float>();
  g.ldb = N;
  g.c = Y.ptr<float>();
  g.ldc = N;
  if (axes.empty()) {  // no batch (or only dims of 1)
    cuda::sgemm(g, stream, tf32);
    return;
  }
  const BatchAxis inner = axes.front();
  if (axes.size() == 1 && inner.stride_b == 0 && inner.stride_a == M * K) {
    // Every slice uses the same B and A's slices are consecutive: one (batch * M) x N product.
    g.m = inner.dim * M;
    cuda::sgemm(g, stream, tf32);
    return;
  }
  g.batch = inner.dim;
  g.batch_stride_a = inner.stride_a;
  g.batch_stride_b = inner.stride_b;
  g.batch_stride_c = M * N;
  // One batched sgemm per index of the outer axes (an odometer, innermost of them fastest).
  const size_t outer = axes.size() - 1;
  std::vector<int64_t> idx(outer, 0);
  int64_t off_a = 0, off_b = 0, off_y = 0;
  for (int64_t s = 0; s < batch / inner.dim; ++s) {
    cuda::Gemm part = g;
    part.a = g.a + off_a;
    part.b = g.b + off_b;
    part.c = g.c + off_y;
    cuda::sgemm(part, stream, tf32);
    off_y += inner.dim * M * N;
    for (size_t ax = 0; ax < outer; ++ax) {
      const BatchAxis& o = axes[ax + 1];
      off_a += o.stride_a;
      off_b += o.stride_b;
      if (++idx[ax] < o.dim) break;
      off_a -= o.stride_a * o.dim;
      off_b -= o.stride_b * o.dim;
      idx[ax] = 0;
    }
  }
}

}  // namespace

SRT_KERNEL("MatMul", CUDA, cpu::supports_matmul, run_matmul);

}  // namespace srt
