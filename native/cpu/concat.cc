// Concat along `axis`, any element type (byte copies). X1..Xn agree with Y on every other axis.
#include <cstdint>
#include <cstring>

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
  const int64_t axis = s.attrs.i("axis", 0);
  if (axis < 0 || axis >= rank)
    return s.op + ": axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank);
  return "";
}

void run_concat(const KernelCall& c) {
  Tensor& Y = cpu::output(c, 0, "Concat");
  const int64_t axis = c.attrs.i("axis", 0);
  if (axis < 0 || axis >= Y.rank()) cpu::fail_plan("Concat: axis out of range");
  const size_t esize = dtype_size(Y.dtype);
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= Y.dims[d];
  for (int64_t d = axis + 1; d < Y.rank(); ++d) inner *= Y.dims[d];
  int64_t total = 0;
  for (size_t i = 0; i < c.in.size(); ++i) {
    const Tensor& X = cpu::input(c, i, "Concat");
    bool ok = X.dtype == Y.dtype && X.rank() == Y.rank();
    for (int64_t d = 0; ok && d < Y.rank(); ++d)
      if (d != axis && X.dims[d] != Y.dims[d]) ok = false;
    if (!ok)
      cpu::fail_plan("Concat: input " + std::to_string(i) + " dims " + cpu::dims_str(X.dims) +
                     " do not fit the output dims " + cpu::dims_str(Y.dims) + " on axis " + std::to_string(axis));
    total += X.dims[axis];
  }
  if (total != Y.dims[axis])
    cpu::fail_plan("Concat: the inputs add up to " + std::to_string(total) + " on axis " + std::to_string(axis) +
                   ", the output has " + std::to_string(Y.dims[axis]));
  if (Y.numel() == 0) return;
  const size_t out_row = static_cast<size_t>(Y.dims[axis] * inner) * esize;
  size_t col = 0;  // byte offset of this input's block within an output row
  for (size_t i = 0; i < c.in.size(); ++i) {
    const Tensor& X = *c.in[i];
    const size_t block = static_cast<size_t>(X.dims[axis] * inner) * esize;
    if (block == 0) continue;
    const uint8_t* src = static_cast<const uint8_t*>(X.data);
    uint8_t* dst = static_cast<uint8_t*>(Y.data) + col;
    for (int64_t o = 0; o < outer; ++o) std::memcpy(dst + o * out_row, src + o * block, block);
    col += block;
  }
}

}  // namespace

SRT_KERNEL("Concat", CPU, supports_concat, run_concat);

}  // namespace srt
