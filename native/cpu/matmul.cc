// MatMul: A (..., M, K) x B (..., K, N) -> Y (..., M, N), both ranks >= 2, the leading (batch)
// dims broadcast numpy-style against Y's (from the plan). Each batch slice is one sgemm; when B
// has no batch of its own and A's slices are contiguous, the whole batch is one sgemm.
#include <algorithm>
#include <string>
#include <vector>

#include "core/kernel.h"
#include "cpu/broadcast.h"
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
  cpu::WalkDims idx(nb_axes, 0);
  int64_t off_a = 0, off_b = 0;
  for (int64_t s = 0; s < batch; ++s) {
    sgemm(false, false, M, N, K, 1.f, a + off_a, K, b + off_b, N, 0.f, y + s * M * N, N, call.ctx, nullptr,
          packed_b);
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

SRT_KERNEL_PREPARED("MatMul", CPU, cpu::supports_matmul, run_matmul, prepare_matmul);

}  // namespace srt
