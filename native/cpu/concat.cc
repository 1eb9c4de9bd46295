// Concat along `axis`, any element type (byte copies). X1..Xn agree with Y on every other axis.
#include <cstdint>

#include "cpu/kernel_util.h"

namespace srt {
namespace {

std::string supports_concat(const NodeSig& s) {
  std::string r = cpu::first_reason(cpu::require_arity(s, 1, 1u << 20, 1, 1, s.in_types.size()),
                                    require_types(s, SRT_ANY_TYPES), cpu::require_same_types(s, 0, {}, {0}));
  if (!r.empty()) return r;
  for (size_t i = 1; i < s.in_types.size(); ++i)
    if (s.in_types[i] != s.in_types[0]) return s.op + ": inputs have different types";
  const int rank = s.out_ranks[0];
  for (size_t i = 0; i < s.in_ranks.size(); ++i)
    if (s.in_ranks[i] != rank) return s.op + ": input " + std::to_string(i) + " has a different rank than the output";
  return cpu::require_axis(s, s.attrs.i("axis", 0), rank);
}

void run_concat(const KernelCall& c) {
  Tensor& Y = cpu::output(c, 0, "Concat");
  const cpu::AxisBlocks b = cpu::axis_blocks("Concat", Y, c.in, c.attrs.i("axis", 0), "input", "output");
  if (Y.numel() == 0) return;
  size_t offset = 0;
  for (const Tensor* part : c.in) {
    const size_t block = b.block(*part);
    if (block != 0) cpu::copy_rows(static_cast<uint8_t*>(Y.data) + offset, b.row, part->data, block, block, b.outer);
    offset += block;
  }
}

}  // namespace

SRT_KERNEL("Concat", CPU, supports_concat, run_concat);

}  // namespace srt
