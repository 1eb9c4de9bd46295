// LayerNormalization (float32): for every row of X seen as [outer, n] with n = prod(dims[axis:]),
//   y = (x - mean) / sqrt(var + epsilon) * Scale + B
// with mean and (biased) variance computed in double, two-pass. Scale and the optional B are
// broadcast (numpy-style) to dims[axis:]; leading size-1 dims beyond that rank are allowed.
// The optional outputs Mean and InvStdDev (one value per row) are written when present. The row
// loops are vectorised (cpu/vec_math.h).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "cpu/broadcast.h"
#include "cpu/kernel_util.h"
#include "cpu/supports.h"
#include "cpu/vec_math.h"

namespace srt {
namespace cpu {

std::string supports_layernorm(const NodeSig& s) {
  std::string r = cpu::first_reason(cpu::require_arity(s, 2, 3, 1, 3, 2), require_types(s, {DType::F32}));
  if (!r.empty()) return r;
  return cpu::first_reason(cpu::require_axis(s, s.attrs.i("axis", -1), s.in_ranks[0]), cpu::require_same_rank(s));
}

}  // namespace cpu

namespace {

// Tensors above this many elements split their rows over the engine's threads.
constexpr int64_t kParallelMin = int64_t(1) << 13;

// Scale or B as a dense [n] vector over dims[axis:]: the tensor itself when it already has n
// elements laid out that way, else broadcast into `buf`.
const float* normalised_vector(const Tensor& t, const Dims& norm_dims, float* buf, const char* what) {
  Dims d = t.dims;
  while (d.size() > norm_dims.size() && d.front() == 1) d.erase(d.begin());
  if (d.size() > norm_dims.size())
    cpu::fail_plan(std::string("LayerNormalization: ") + what + " dims " + cpu::dims_str(t.dims) +
                   " do not broadcast to the normalised dims " + cpu::dims_str(norm_dims));
  if (t.numel() == numel(norm_dims)) {
    // Equal counts: broadcasting can only add size-1 dims, so the layout is the same. Check it though.
    cpu::broadcast_walk<1>("LayerNormalization", norm_dims, {&d});
    return t.ptr<const float>();
  }
  const cpu::Walk<1> w = cpu::broadcast_walk<1>("LayerNormalization", norm_dims, {&d});
  const float* src = t.ptr<const float>();
  const int64_t s = w.strides[0].back();
  cpu::walk_rows(w, [&](int64_t o, const std::array<int64_t, 1>& off, int64_t n) {
    for (int64_t i = 0; i < n; ++i) buf[o + i] = src[off[0] + i * s];
  });
  return buf;
}

// Are t's dims X's dims[axis:], possibly with leading 1s (its data is then the dense vector)?
bool has_normalised_dims(const Tensor& t, const Dims& xd, int64_t axis) {
  const int64_t r = static_cast<int64_t>(xd.size()) - axis, tr = t.rank();
  for (int64_t i = 0; i < std::max(r, tr); ++i) {
    const int64_t td = i < tr ? t.dims[tr - 1 - i] : 1;
    const int64_t nd = i < r ? xd[xd.size() - 1 - i] : 1;
    if (td != nd) return false;
  }
  return true;
}

void run_layernorm(const KernelCall& c) {
  const char* name = "LayerNormalization";
  const Tensor& X = cpu::input(c, 0, name);
  const Tensor& S = cpu::input(c, 1, name);
  const Tensor* B = c.in.size() > 2 ? c.in[2] : nullptr;
  Tensor& Y = cpu::output(c, 0, name);
  if (X.dtype != DType::F32 || S.dtype != DType::F32 || Y.dtype != DType::F32 || (B && B->dtype != DType::F32))
    cpu::fail_plan("LayerNormalization: unsupported types");
  if (X.dims != Y.dims) cpu::fail_plan("LayerNormalization: input and output dims differ");
  const int64_t axis = c.attrs.i("axis", -1);
  if (axis < 0 || axis >= X.rank()) cpu::fail_plan("LayerNormalization: axis out of range");
  const double eps = c.attrs.f("epsilon", 1e-5);

  const int64_t n = cpu::dims_product(X.dims, axis, X.rank());
  const int64_t outer = cpu::dims_product(X.dims, 0, axis);

  // Optional statistics outputs: one value per row.
  Tensor* mean_out = c.out.size() > 1 ? c.out[1] : nullptr;
  Tensor* inv_out = c.out.size() > 2 ? c.out[2] : nullptr;
  for (Tensor* t : {mean_out, inv_out})
    if (t && (t->dtype != DType::F32 || t->numel() != outer))
      cpu::fail_plan("LayerNormalization: the Mean/InvStdDev outputs need one float32 per normalised row");

  float* buf = n > 0 ? static_cast<float*>(c.ctx.scratch(static_cast<size_t>(n) * 2 * sizeof(float))) : nullptr;
  // Scale and B usually have the normalised dims already (no copy, nothing allocated).
  auto vector_of = [&](const Tensor& t, float* into, const char* what) {
    if (has_normalised_dims(t, X.dims, axis)) return t.ptr<const float>();
    const Dims norm_dims(X.dims.begin() + axis, X.dims.end());
    return normalised_vector(t, norm_dims, into, what);
  };
  const float* scale = vector_of(S, buf, "Scale");
  const float* bias = B ? vector_of(*B, buf + n, "B") : nullptr;
  if (X.numel() == 0) {
    // Rows without elements: mean 0/0 and 1/sqrt(NaN + eps) are NaN, as the formula gives.
    for (Tensor* t : {mean_out, inv_out})
      if (t)
        for (int64_t o = 0; o < outer; ++o) t->ptr<float>()[o] = std::nanf("");
    return;
  }

  const float* x = X.ptr<const float>();
  float* y = Y.ptr<float>();
  float* mean_ptr = mean_out ? mean_out->ptr<float>() : nullptr;
  float* inv_ptr = inv_out ? inv_out->ptr<float>() : nullptr;
  // Rows are independent: large tensors split them over the engine's threads.
  auto rows = [&](int64_t o0, int64_t o1) {
    for (int64_t o = o0; o < o1; ++o) {
      const float* px = x + o * n;
      float* py = y + o * n;
      const double mean = vm::sum_f64(px, n) / static_cast<double>(n);
      const double sq = vm::sum_sq_dev_f64(px, mean, n);
      const double inv_std = 1.0 / std::sqrt(sq / static_cast<double>(n) + eps);
      const float m = static_cast<float>(mean), is = static_cast<float>(inv_std);
      vm::normalize_affine(px, m, is, scale, bias, py, n);
      if (mean_ptr) mean_ptr[o] = m;
      if (inv_ptr) inv_ptr[o] = is;
    }
  };
  if (outer > 1 && X.numel() > kParallelMin && c.ctx.threads() > 1)
    c.ctx.parallel_for(outer, rows);
  else
    rows(0, outer);
}

}  // namespace

SRT_KERNEL("LayerNormalization", CPU, cpu::supports_layernorm, run_layernorm);

}  // namespace srt
