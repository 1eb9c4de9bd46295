// Slice: Y[i] = X[starts + i * steps] per axis (one start and one step per axis, already clamped by
// the planner; steps may be negative), any element type. The bounds are checked against X here
// before anything is read.
#include <cstdint>

#include "cpu/broadcast.h"
#include "cpu/kernel_util.h"
#include "cpu/supports.h"

namespace srt {
namespace cpu {

std::string supports_slice(const NodeSig& s) {
  std::string r = cpu::first_reason(cpu::require_unary_any_type(s), cpu::require_same_rank(s));
  if (!r.empty()) return r;
  const int rank = s.in_ranks[0];
  const std::vector<int64_t> starts = s.attrs.ints("starts"), steps = s.attrs.ints("steps");
  if (static_cast<int>(starts.size()) != rank || static_cast<int>(steps.size()) != rank)
    return "Slice: starts and steps need one entry per axis (rank " + std::to_string(rank) + ")";
  for (int64_t st : steps)
    if (st == 0) return "Slice: a step of 0 is invalid";
  return "";
}

}  // namespace cpu

namespace {

void run_slice(const KernelCall& c) {
  const Tensor& X = cpu::input(c, 0, "Slice");
  Tensor& Y = cpu::output(c, 0, "Slice");
  const IntsView starts = c.attrs.ints_view("starts"), steps = c.attrs.ints_view("steps");
  const int rank = X.rank();
  if (X.dtype != Y.dtype || Y.rank() != rank || static_cast<int>(starts.size()) != rank ||
      static_cast<int>(steps.size()) != rank)
    cpu::fail_plan("Slice: input, output and attributes do not match");
  if (Y.numel() == 0) return;
  cpu::Walk<1> w;
  w.shape = Y.dims;
  w.strides[0].resize(rank);
  int64_t xs_d = X.numel();  // X's element stride along axis d, once divided by X.dims[d] (none is 0 here)
  for (int d = 0; d < rank; ++d) {
    xs_d /= X.dims[d];
    const int64_t first = starts[d], last = starts[d] + (Y.dims[d] - 1) * steps[d];
    if (steps[d] == 0 || first < 0 || first >= X.dims[d] || last < 0 || last >= X.dims[d])
      cpu::fail_plan("Slice: axis " + std::to_string(d) + " reads [" + std::to_string(first) + ", " +
                     std::to_string(last) + "] outside the input dim " + std::to_string(X.dims[d]));
    w.base[0] += first * xs_d;
    w.strides[0][d] = steps[d] * xs_d;
  }
  cpu::simplify(w);
  cpu::copy_walk(w, X, Y);
}

}  // namespace

SRT_KERNEL("Slice", CPU, cpu::supports_slice, run_slice);

}  // namespace srt
