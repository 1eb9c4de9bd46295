// Gather along `axis`: Y = data[..., indices[...], ...] with Y.dims = data.dims[:axis] +
// indices.dims + data.dims[axis+1:]. data of any element type (moved as blocks of bytes); indices
// int32 or int64, negative ones counted from the end; an index out of range throws ERR_INVALID_INPUT
// before anything is written.
#include <cstdint>
#include <cstring>

#include "cpu/kernel_util.h"
#include "cpu/supports.h"

namespace srt {
namespace cpu {

std::string supports_gather(const NodeSig& s) {
  std::string r = cpu::require_arity(s, 2, 2, 1, 1, 2);
  if (!r.empty()) return r;
  if (s.in_types[1] != DType::I32 && s.in_types[1] != DType::I64)
    return "Gather: input 1 has unsupported type " + std::string(dtype_name(s.in_types[1])) + ", expected int32 or int64";
  r = cpu::require_same_types(s, 0, {}, {0});
  if (!r.empty()) return r;
  const int rank = s.in_ranks[0];
  r = cpu::require_axis(s, s.attrs.i("axis", 0), rank);
  if (!r.empty()) return r;
  if (s.out_ranks[0] != rank - 1 + s.in_ranks[1]) return "Gather: output rank does not match the inputs";
  return "";
}

}  // namespace cpu

namespace {

template <class I>
void gather(const Tensor& D, const Tensor& Ix, Tensor& Y, int64_t axis) {
  const I* idx = Ix.ptr<const I>();
  const int64_t ni = Ix.numel();
  const int64_t dim = D.dims[axis];
  for (int64_t k = 0; k < ni; ++k) {
    const int64_t v = static_cast<int64_t>(idx[k]);
    if (v < -dim || v >= dim)
      throw Error(kErrInvalidInput, "Gather: index " + std::to_string(v) + " is out of range [" + std::to_string(-dim) +
                                        ", " + std::to_string(dim - 1) + "] on axis " + std::to_string(axis));
  }
  if (Y.numel() == 0) return;
  const int64_t outer = cpu::dims_product(D.dims, 0, axis), inner = cpu::dims_product(D.dims, axis + 1, D.rank());
  const size_t block = static_cast<size_t>(inner) * dtype_size(D.dtype);
  const uint8_t* src = static_cast<const uint8_t*>(D.data);
  uint8_t* dst = static_cast<uint8_t*>(Y.data);
  for (int64_t o = 0; o < outer; ++o) {
    const uint8_t* slab = src + static_cast<size_t>(o * dim) * block;
    for (int64_t k = 0; k < ni; ++k) {
      int64_t v = static_cast<int64_t>(idx[k]);
      if (v < 0) v += dim;
      std::memcpy(dst, slab + static_cast<size_t>(v) * block, block);
      dst += block;
    }
  }
}

void run_gather(const KernelCall& c) {
  const Tensor& D = cpu::input(c, 0, "Gather");
  const Tensor& Ix = cpu::input(c, 1, "Gather");
  Tensor& Y = cpu::output(c, 0, "Gather");
  const int64_t axis = c.attrs.i("axis", 0);
  if (axis < 0 || axis >= D.rank()) cpu::fail_plan("Gather: axis out of range");
  // Y.dims must be D.dims[:axis] + Ix.dims + D.dims[axis+1:] (checked without building it).
  const size_t ri = Ix.dims.size(), ra = static_cast<size_t>(axis);
  bool dims_ok = Y.dims.size() == D.dims.size() - 1 + ri;
  for (size_t d = 0; dims_ok && d < Y.dims.size(); ++d)
    dims_ok = Y.dims[d] == (d < ra ? D.dims[d] : d < ra + ri ? Ix.dims[d - ra] : D.dims[d - ri + 1]);
  if (!dims_ok || Y.dtype != D.dtype) {
    Dims expect(D.dims.begin(), D.dims.begin() + axis);
    expect.insert(expect.end(), Ix.dims.begin(), Ix.dims.end());
    expect.insert(expect.end(), D.dims.begin() + axis + 1, D.dims.end());
    cpu::fail_plan("Gather: output dims " + cpu::dims_str(Y.dims) + " do not match the expected " + cpu::dims_str(expect));
  }
  if (Ix.dtype == DType::I32) gather<int32_t>(D, Ix, Y, axis);
  else if (Ix.dtype == DType::I64) gather<int64_t>(D, Ix, Y, axis);
  else cpu::fail_plan("Gather: indices must be int32 or int64");
}

}  // namespace

SRT_KERNEL("Gather", CPU, cpu::supports_gather, run_gather);

}  // namespace srt
