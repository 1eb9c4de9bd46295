// Transpose with `perm` (Y.dims[d] = X.dims[perm[d]]), any element type, moved by size.
// Y is walked in order with X's permuted strides; axes that stay adjacent are merged, and rows that
// stay contiguous in X become memcpy.
#include <cstdint>

#include "cpu/broadcast.h"
#include "cpu/kernel_util.h"
#include "cpu/supports.h"

namespace srt {
namespace {

std::string check_perm(const std::vector<int64_t>& perm, int rank) {
  if (static_cast<int>(perm.size()) != rank)
    return "Transpose: perm has " + std::to_string(perm.size()) + " entries for rank " + std::to_string(rank);
  std::vector<bool> seen(perm.size(), false);
  for (int64_t p : perm) {
    if (p < 0 || p >= rank || seen[p]) return "Transpose: perm is not a permutation of the axes";
    seen[p] = true;
  }
  return "";
}

}  // namespace

namespace cpu {

std::string supports_transpose(const NodeSig& s) {
  std::string r = cpu::first_reason(cpu::require_unary_any_type(s), cpu::require_same_rank(s));
  if (!r.empty()) return r;
  return check_perm(s.attrs.ints("perm"), s.in_ranks[0]);
}

}  // namespace cpu

namespace {

void run_transpose(const KernelCall& c) {
  const Tensor& X = cpu::input(c, 0, "Transpose");
  Tensor& Y = cpu::output(c, 0, "Transpose");
  const std::vector<int64_t> perm = c.attrs.ints("perm");
  const std::string why = check_perm(perm, X.rank());
  if (!why.empty()) cpu::fail_plan(why);
  if (X.dtype != Y.dtype || Y.rank() != X.rank()) cpu::fail_plan("Transpose: input and output do not match");
  for (int d = 0; d < Y.rank(); ++d)
    if (Y.dims[d] != X.dims[perm[d]])
      cpu::fail_plan("Transpose: output dims " + cpu::dims_str(Y.dims) + " are not the input dims " +
                     cpu::dims_str(X.dims) + " permuted");
  if (Y.numel() == 0) return;
  const Dims xs = strides_of(X.dims);
  cpu::Walk<1> w;
  w.shape = Y.dims;
  w.strides[0].resize(Y.dims.size());
  for (size_t d = 0; d < perm.size(); ++d) w.strides[0][d] = xs[perm[d]];
  cpu::simplify(w);
  cpu::copy_walk(w, X, Y);
}

}  // namespace

SRT_KERNEL("Transpose", CPU, cpu::supports_transpose, run_transpose);

}  // namespace srt
