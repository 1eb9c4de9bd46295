// CUDA twin of cpu/slice.cc: Slice, Y[i] = X[starts + i * steps] per axis (one start and one step
// per axis, already clamped by the planner; steps may be negative), any element type. The bounds
// are checked against X on the host before anything is launched.
//
// Y is a dense walk over X with base offset sum(starts * strides) and strides steps * strides
// (negative for negative steps), axes merged where possible (cpu::simplify); the strided copy
// moves rows that stay contiguous (all steps 1 on the inner axes) in units of up to 16 bytes.
#include <cstdint>

#include "cpu/supports.h"
#include "cuda/strided_copy.h"

namespace srt {
namespace {

// The CPU predicate, plus the rank limit of the CUDA index math.
std::string supports_slice(const NodeSig& s) {
  return cpu::first_reason(cpu::supports_slice(s), cuda::require_max_rank(s, "Slice"));
}

void run_slice(const KernelCall& c) {
  const Tensor& X = cpu::input(c, 0, "Slice");
  Tensor& Y = cpu::output(c, 0, "Slice");
  const std::vector<int64_t> starts = c.attrs.ints("starts"), steps = c.attrs.ints("steps");
  const int rank = X.rank();
  if (X.dtype != Y.dtype || Y.rank() != rank || static_cast<int>(starts.size()) != rank ||
      static_cast<int>(steps.size()) != rank)
    cpu::fail_plan("Slice: input, output and attributes do not match");
  if (Y.numel() == 0) return;
  const Dims xs = strides_of(X.dims);
  cpu::Walk<1> w;
  w.shape = Y.dims;
  w.strides[0].resize(rank);
  for (int d = 0; d < rank; ++d) {
    const int64_t first = starts[d], last = starts[d] + (Y.dims[d] - 1) * steps[d];
    if (steps[d] == 0 || first < 0 || first >= X.dims[d] || last < 0 || last >= X.dims[d])
      cpu::fail_plan("Slice: axis " + std::to_string(d) + " reads [" + std::to_string(first) + ", " +
                     std::to_string(last) + "] outside the input dim " + std::to_string(X.dims[d]));
    w.base[0] += first * xs[d];
    w.strides[0][d] = steps[d] * xs[d];
  }
  cpu::simplify(w);
  cuda::strided_copy(c, "Slice", w, X, Y);
}

}  // namespace

SRT_KERNEL("Slice", CUDA, supports_slice, run_slice);

}  // namespace srt
