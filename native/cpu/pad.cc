// Pad with mode "constant" | "reflect" | "edge" | "wrap" and pads [begin_0.., end_0..] (negative
// pads crop), any element type; `value` (constant mode) is converted to the element type.
//
// As the ONNX reference: negative pads crop first, then the cropped input is padded by the mode.
// Per axis that gives a map from output coordinate to input coordinate (or -1 for the constant),
// built once; reflect and wrap repeat periodically when a pad exceeds the (cropped) axis.
#include <cstdint>
#include <cstring>
#include <vector>

#include "cpu/kernel_util.h"
#include "cpu/supports.h"

namespace srt {
namespace {

enum class Mode { Constant, Reflect, Edge, Wrap, Invalid };

Mode parse_mode(const std::string& m) {
  if (m == "constant") return Mode::Constant;
  if (m == "reflect") return Mode::Reflect;
  if (m == "edge") return Mode::Edge;
  if (m == "wrap") return Mode::Wrap;
  return Mode::Invalid;
}

}  // namespace

namespace cpu {

std::string supports_pad(const NodeSig& s) {
  std::string r = cpu::first_reason(cpu::require_unary_any_type(s), cpu::require_same_rank(s));
  if (!r.empty()) return r;
  const int rank = s.in_ranks[0];
  if (parse_mode(s.attrs.s("mode", "constant")) == Mode::Invalid)
    return "Pad: unsupported mode \"" + s.attrs.s("mode", "constant") + "\"";
  if (static_cast<int>(s.attrs.ints("pads").size()) != 2 * rank)
    return "Pad: pads needs " + std::to_string(2 * rank) + " entries for rank " + std::to_string(rank);
  return "";
}

}  // namespace cpu

namespace {

inline int64_t floor_mod(int64_t a, int64_t m) {
  const int64_t r = a % m;
  return r < 0 ? r + m : r;
}

// Output coordinate → input coordinate (or -1: the constant) along one axis.
std::vector<int64_t> axis_map(int64_t in, int64_t out, int64_t pb, int64_t pe, Mode mode, int axis) {
  const int64_t crop_b = pb < 0 ? -pb : 0, crop_e = pe < 0 ? -pe : 0;
  const int64_t n = in - crop_b - crop_e;  // the cropped axis: input [crop_b, crop_b + n)
  const int64_t lead = pb > 0 ? pb : 0;
  std::vector<int64_t> map(static_cast<size_t>(out));
  for (int64_t o = 0; o < out; ++o) {
    int64_t i = o - lead;  // coordinate in the cropped axis
    if (n <= 0 || i < 0 || i >= n) {
      if (mode == Mode::Constant) {
        map[o] = -1;
        continue;
      }
      if (n <= 0)
        cpu::fail_plan("Pad: axis " + std::to_string(axis) + " has no elements left to pad from in this mode");
      if (mode == Mode::Edge) {
        i = i < 0 ? 0 : n - 1;
      } else if (mode == Mode::Wrap) {
        i = floor_mod(i, n);
      } else {  // reflect (mirror without repeating the edge), periodic with 2(n-1)
        if (n == 1) {
          i = 0;
        } else {
          i = floor_mod(i, 2 * (n - 1));
          if (i >= n) i = 2 * (n - 1) - i;
        }
      }
    }
    map[o] = crop_b + i;
  }
  return map;
}

template <class T>
T pad_value(double v) {
  if constexpr (std::is_floating_point_v<T>) return static_cast<T>(v);
  else return cpu::saturate_cast<T>(v);
}

void run_pad(const KernelCall& c) {
  const Tensor& X = cpu::input(c, 0, "Pad");
  Tensor& Y = cpu::output(c, 0, "Pad");
  const int r = X.rank();
  const std::vector<int64_t> pads = c.attrs.ints("pads");
  const Mode mode = parse_mode(c.attrs.s("mode", "constant"));
  if (mode == Mode::Invalid) cpu::fail_plan("Pad: unsupported mode");
  if (X.dtype != Y.dtype || Y.rank() != r || static_cast<int>(pads.size()) != 2 * r)
    cpu::fail_plan("Pad: input, output and pads do not match");
  for (int d = 0; d < r; ++d)
    if (Y.dims[d] != X.dims[d] + pads[d] + pads[r + d])
      cpu::fail_plan("Pad: output dims " + cpu::dims_str(Y.dims) + " do not match the input dims " +
                     cpu::dims_str(X.dims) + " and the pads");
  if (Y.numel() == 0) return;
  const double value = c.attrs.f("value", 0);

  cpu::dispatch_dtype(X.dtype, [&](auto tag) {
    constexpr DType D = decltype(tag)::value;
    using T = typename cpu::CType<D>::type;
    T fill;
    if constexpr (D == DType::Bool) fill = value != 0 ? 1 : 0;
    else if constexpr (D == DType::I64) fill = c.attrs.exact_i("value", 0);  // exact beyond 2^53
    else fill = pad_value<T>(value);
    const T* x = X.ptr<const T>();
    T* y = Y.ptr<T>();
    if (r == 0) {
      y[0] = x[0];
      return;
    }
    std::vector<std::vector<int64_t>> maps(r);
    for (int d = 0; d < r; ++d) maps[d] = axis_map(X.dims[d], Y.dims[d], pads[d], pads[r + d], mode, d);
    const Dims xs = strides_of(X.dims);
    const std::vector<int64_t>& last = maps[r - 1];
    const int64_t yn = Y.dims[r - 1];
    // The run of the last axis that copies X contiguously: [lead, lead + len).
    int64_t lead = 0, len = 0;
    {
      const int64_t pb = pads[r - 1], pe = pads[2 * r - 1];
      lead = pb > 0 ? pb : 0;
      len = X.dims[r - 1] - (pb < 0 ? -pb : 0) - (pe < 0 ? -pe : 0);
      if (len < 0) len = 0;
      if (lead + len > yn) len = yn > lead ? yn - lead : 0;
    }
    const int64_t rows = Y.numel() / yn;
    std::vector<int64_t> idx(r, 0);
    for (int64_t row = 0; row < rows; ++row) {
      T* py = y + row * yn;
      // Source row offset, or -1 when an outer coordinate falls in the constant padding.
      int64_t base = 0;
      for (int d = 0; d < r - 1 && base >= 0; ++d) {
        const int64_t m = maps[d][idx[d]];
        base = m < 0 ? -1 : base + m * xs[d];
      }
      if (base < 0) {
        for (int64_t i = 0; i < yn; ++i) py[i] = fill;
      } else {
        const T* px = x + base;
        for (int64_t i = 0; i < lead && i < yn; ++i) py[i] = last[i] < 0 ? fill : px[last[i]];
        if (len > 0) std::memcpy(py + lead, px + last[lead], static_cast<size_t>(len) * sizeof(T));
        for (int64_t i = lead + len; i < yn; ++i) py[i] = last[i] < 0 ? fill : px[last[i]];
      }
      for (int d = r - 2; d >= 0; --d) {
        if (++idx[d] < Y.dims[d]) break;
        idx[d] = 0;
      }
    }
  });
}

}  // namespace

SRT_KERNEL("Pad", CPU, cpu::supports_pad, run_pad);

}  // namespace srt
