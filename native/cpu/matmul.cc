// MatMul: A (..., M, K) x B (..., K, N) -> Y (..., M, N), both ranks >= 2, the leading (batch)
// dims broadcast numpy-style against Y's (from the plan). Each batch slice is one sgemm; when B
// has no batch of its own and A's slices are contiguous, the whole batch is one sgemm.
#include <algorithm>
#include <string>
#include <vector>

#include "core/kernel.h"
#include "cpu/gemm.h"
#include "cpu/supports.h"

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

void run_matmul(const KernelCall& call) {
  const Tensor& A = *call.in[0];
  const Tensor& B = *call.in[1];
  Tensor& Y = *call.out[0];
  const int ra = A.rank(), rb = B.rank(), r = Y.rank();
  if (ra < 2 || rb < 2 || r != std::max(ra, rb)) bad_dims(A, B, Y);
  const int64_t M = A.dims[ra - 2], K = A.dims[ra - 1], N = B.dims[rb - 1];
  if (B.dims[rb - 2] != K || Y.dims[r - 2] != M || Y.dims[r - 1] != N) bad_dims(A, B, Y);

  // Batch axes of Y, with A's and B's element strides per axis (0 where they broadcast).
  const int nb_axes = r - 2;
  std::vector<int64_t> bdims(nb_axes), astr(nb_axes, 0), bstr(nb_axes, 0);
  int64_t batch = 1, a_batch = 1, b_batch = 1;
  {
    int64_t sa = M * K, sb = K * N;
    for (int ax = nb_axes - 1; ax >= 0; --ax) {
      const int64_t d = Y.dims[ax];
      const int ia = ax - (r - ra), ib = ax - (r - rb);  // the aligned axis of A / B, or < 0
      const int64_t da = ia >= 0 ? A.dims[ia] : 1;
      const int64_t db = ib >= 0 ? B.dims[ib] : 1;
      if ((da != d && da != 1) || (db != d && db != 1)) bad_dims(A, B, Y);
      bdims[ax] = d;
      astr[ax] = da == 1 ? 0 : sa;
      bstr[ax] = db == 1 ? 0 : sb;
      sa *= da;
      sb *= db;
      batch *= d;
      a_batch *= da;
      b_batch *= db;
    }
  }
  if (batch == 0 || M == 0 || N == 0) return;
  const float* a = A.ptr<const float>();
  const float* b = B.ptr<const float>();
  float* y = Y.ptr<float>();

  if (b_batch == 1 && a_batch == batch) {
    // Every slice uses the same B and A's slices are consecutive: one (batch * M) x N product.
    sgemm(false, false, batch * M, N, K, 1.f, a, K, b, N, 0.f, y, N, call.ctx);
    return;
  }
  std::vector<int64_t> idx(nb_axes, 0);
  int64_t off_a = 0, off_b = 0;
  for (int64_t s = 0; s < batch; ++s) {
    sgemm(false, false, M, N, K, 1.f, a + off_a, K, b + off_b, N, 0.f, y + s * M * N, N, call.ctx);
    // Advance the batch odometer (last axis fastest), keeping the operand offsets in step.
    for (int ax = nb_axes - 1; ax >= 0; --ax) {
      off_a += astr[ax];
      off_b += bstr[ax];
      if (++idx[ax] < bdims[ax]) break;
      off_a -= astr[ax] * bdims[ax];
      off_b -= bstr[ax] * bdims[ax];
      idx[ax] = 0;
    }
  }
}

}  // namespace

SRT_KERNEL("MatMul", CPU, cpu::supports_matmul, run_matmul);

}  // namespace srt
