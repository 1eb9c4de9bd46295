// Gemm: Y = act(alpha * op(A) * op(B) + beta * C), A and B rank 2, C (optional) broadcast to (M, N),
// act the optional fused activation (cpu/activation.h), applied with a bias in sgemm's epilogue.
#include <algorithm>
#include <string>

#include "core/kernel.h"
#include "cpu/activation.h"
#include "cpu/gemm.h"
#include "cpu/kernel_util.h"
#include "cpu/supports.h"

namespace srt {
namespace cpu {

std::string supports_gemm(const NodeSig& sig) {
  std::string why = cpu::require_f32_2or3_inputs(sig, 2, 2);
  if (why.empty()) why = require_rank(sig, 1, 2, 2);
  if (why.empty() && sig.in_types.size() == 3 && sig.in_types[2] != DType::Undefined) why = require_rank(sig, 2, 0, 2);
  if (why.empty() && sig.out_ranks[0] != 2)
    why = "Gemm: output has rank " + std::to_string(sig.out_ranks[0]) + ", expected 2";
  if (why.empty()) why = activation_reason(sig);
  return why;
}

}  // namespace cpu

namespace {

// B (the weight, usually, with transB = 1) packed once for sgemm, when this plan's shape takes
// sgemm's packed path.
std::shared_ptr<const void> prepare_gemm(const PrepareCall& p) {
  if (p.in.size() < 2 || !p.in[1].data || p.in[0].rank() != 2 || p.in[1].rank() != 2) return nullptr;
  const Tensor& A = p.in[0];
  const Tensor& B = p.in[1];
  const bool trans_a = p.attrs.i("transA", 0) != 0;
  const bool trans_b = p.attrs.i("transB", 0) != 0;
  const int64_t M = trans_a ? A.dims[1] : A.dims[0];
  const int64_t K = trans_b ? B.dims[1] : B.dims[0];
  const int64_t N = trans_b ? B.dims[0] : B.dims[1];
  if (!sgemm_packs(trans_a, trans_b, M, N, K)) return nullptr;
  return p.shared(1, trans_b ? "sgemm-b:t" : "sgemm-b:n",
                  [&] { return sgemm_pack_b(trans_b, K, N, B.ptr<const float>(), B.dims[1]); });
}

void run_gemm(const KernelCall& call) {
  const Tensor& A = *call.in[0];
  const Tensor& B = *call.in[1];
  const Tensor* C = call.in.size() > 2 ? call.in[2] : nullptr;
  Tensor& Y = *call.out[0];
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
  float* y = Y.ptr<float>();

  // C broadcast to (M, N): right-aligned, a dim of 1 repeats (stride 0). A bias over columns or
  // rows (beta 1) is added in sgemm's epilogue with the activation; any other C is copied into Y
  // first and scaled by beta there.
  SgemmEpilogue epi;
  epi.act = activation_of(call.attrs);
  float beta_c = 0.f;
  if (C != nullptr && beta != 0.f) {
    const int rc = C->rank();
    const int64_t cm = rc == 2 ? C->dims[0] : 1;
    const int64_t cn = rc >= 1 ? C->dims[rc - 1] : 1;
    if ((cm != 1 && cm != M) || (cn != 1 && cn != N))
      throw Error(kErrInvalidPlan, "Gemm: C does not broadcast to (" + std::to_string(M) + ", " + std::to_string(N) + ")");
    const float* c = C->ptr<const float>();
    if (beta == 1.f && cm == 1 && cn == N) {
      epi.col_bias = c;
    } else if (beta == 1.f && cm == M && cn == 1) {
      epi.row_bias = c;
    } else {
      const int64_t row_stride = cm == 1 ? 0 : cn;
      for (int64_t i = 0; i < M; ++i) {
        float* yr = y + i * N;
        const float* cr = c + i * row_stride;
        if (cn == 1)
          std::fill(yr, yr + N, cr[0]);
        else
          std::copy(cr, cr + N, yr);
      }
      beta_c = beta;
    }
  }
  sgemm(trans_a, trans_b, M, N, K, alpha, A.ptr<const float>(), A.dims[1], B.ptr<const float>(), B.dims[1], beta_c, y,
        N, call.ctx, nullptr, static_cast<const SgemmPacked*>(call.prepared), &epi);
}

}  // namespace

SRT_KERNEL_PREPARED("Gemm", CPU, cpu::supports_gemm, run_gemm, prepare_gemm);

}  // namespace srt
