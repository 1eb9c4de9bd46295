// Split along `axis` into the outputs, whose dims give the sizes; any element type (byte copies).
#include <cstdint>
#include <cstring>

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
  const int64_t axis = s.attrs.i("axis", 0);
  if (axis < 0 || axis >= s.in_ranks[0])
    return s.op + ": axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(s.in_ranks[0]);
  return "";
}

void run_split(const KernelCall& c) {
  const Tensor& X = cpu::input(c, 0, "Split");
  const int64_t axis = c.attrs.i("axis", 0);
  if (axis < 0 || axis >= X.rank()) cpu::fail_plan("Split: axis out of range");
  const size_t esize = dtype_size(X.dtype);
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= X.dims[d];
  for (int64_t d = axis + 1; d < X.rank(); ++d) inner *= X.dims[d];
  int64_t total = 0;
  for (size_t i = 0; i < c.out.size(); ++i) {
    const Tensor& Y = cpu::output(c, i, "Split");
    bool ok = Y.dtype == X.dtype && Y.rank() == X.rank();
    for (int64_t d = 0; ok && d < X.rank(); ++d)
      if (d != axis && Y.dims[d] != X.dims[d]) ok = false;
    if (!ok)
      cpu::fail_plan("Split: output " + std::to_string(i) + " dims " + cpu::dims_str(Y.dims) +
                     " do not fit the input dims " + cpu::dims_str(X.dims) + " on axis " + std::to_string(axis));
    total += Y.dims[axis];
  }
  if (total != X.dims[axis])
    cpu::fail_plan("Split: the outputs add up to " + std::to_string(total) + " on axis " + std::to_string(axis) +
                   ", the input has " + std::to_string(X.dims[axis]));
  if (X.numel() == 0) return;
  const size_t in_row = static_cast<size_t>(X.dims[axis] * inner) * esize;
  size_t col = 0;
  for (size_t i = 0; i < c.out.size(); ++i) {
    Tensor& Y = *c.out[i];
    const size_t block = static_cast<size_t>(Y.dims[axis] * inner) * esize;
    if (block == 0) continue;
    const uint8_t* src = static_cast<const uint8_t*>(X.data) + col;
    uint8_t* dst = static_cast<uint8_t*>(Y.data);
    for (int64_t o = 0; o < outer; ++o) std::memcpy(dst + o * block, src + o * in_row, block);
    col += block;
  }
}

}  // namespace

SRT_KERNEL("Split", CPU, supports_split, run_split);

}  // namespace srt
