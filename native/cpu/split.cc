// Split along `axis` into the outputs, whose dims give the sizes; any element type (byte copies).
#include <cstdint>

#include "cpu/kernel_util.h"

namespace srt {
namespace {

std::string supports_split(const NodeSig& s) {
  std::string r = cpu::first_reason(cpu::require_arity(s, 1, 1, 1, 1u << 20, 1), require_types(s, SRT_ANY_TYPES));
  if (!r.empty()) return r;
  for (size_t o = 0; o < s.out_types.size(); ++o) {
    if (s.out_types[o] != s.in_types[0]) return s.op + ": output " + std::to_string(o) + " has a different type than the input";
    if (s.out_ranks[o] != s.in_ranks[0]) return s.op + ": output " + std::to_string(o) + " has a different rank than the input";
  }
  return cpu::require_axis(s, s.attrs.i("axis", 0), s.in_ranks[0]);
}

void run_split(const KernelCall& c) {
  const Tensor& X = cpu::input(c, 0, "Split");
  const cpu::AxisBlocks b = cpu::axis_blocks("Split", X, c.out, c.attrs.i("axis", 0), "output", "input");
  if (X.numel() == 0) return;
  size_t offset = 0;
  for (Tensor* part : c.out) {
    const size_t block = b.block(*part);
    if (block != 0) cpu::copy_rows(part->data, block, static_cast<const uint8_t*>(X.data) + offset, b.row, block, b.outer);
    offset += block;
  }
}

}  // namespace

SRT_KERNEL("Split", CPU, supports_split, run_split);

}  // namespace srt
