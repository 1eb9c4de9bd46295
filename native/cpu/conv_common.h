// What Conv and ConvTranspose share: the supports predicate (inputs X, W, B? → Y, float32, rank 3
// or 4, and the group/strides/pads/dilations attributes), the window geometry both kernels see in
// 2-D (a 1-D convolution is the 2-D one with H = 1) and the bound on their column buffers.
#pragma once
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/kernel.h"
#include "cpu/activation.h"
#include "cpu/gemm.h"
#include "cpu/kernel_util.h"

namespace srt {
namespace cpu {

// Upper bound on the column buffer, in floats (16 MiB).
inline constexpr int64_t kColFloats = int64_t(1) << 22;

inline std::string check_conv_attrs(const NodeSig& sig, int s) {
  const std::vector<int64_t> strides = sig.attrs.ints("strides");
  const std::vector<int64_t> pads = sig.attrs.ints("pads");
  const std::vector<int64_t> dilations = sig.attrs.ints("dilations");
  auto count = [&](const char* name, size_t got, size_t want) {
    return got == want ? std::string()
                       : sig.op + ": " + name + " has " + std::to_string(got) + " values, expected " +
                             std::to_string(want) + " for a rank-" + std::to_string(s + 2) + " input";
  };
  std::string why = count("strides", strides.size(), static_cast<size_t>(s));
  if (why.empty()) why = count("dilations", dilations.size(), static_cast<size_t>(s));
  if (why.empty()) why = count("pads", pads.size(), static_cast<size_t>(2 * s));
  if (!why.empty()) return why;
  for (int64_t v : strides)
    if (v < 1) return sig.op + ": strides must be positive";
  for (int64_t v : dilations)
    if (v < 1) return sig.op + ": dilations must be positive";
  for (int64_t v : pads)
    if (v < 0) return sig.op + ": negative pads are not supported";
  if (sig.attrs.i("group", 1) < 1) return sig.op + ": group must be positive";
  return "";
}

// The supports predicate of Conv and ConvTranspose (both apply a fused activation: cpu/activation.h).
inline std::string supports_conv_family(const NodeSig& sig) {
  std::string why = require_f32_2or3_inputs(sig, 3, 4);
  if (!why.empty()) return why;
  const int r = sig.in_ranks[0];
  if (sig.in_ranks[1] != r)
    return sig.op + ": weights have rank " + std::to_string(sig.in_ranks[1]) + ", expected " + std::to_string(r);
  if (sig.in_types.size() == 3 && sig.in_types[2] != DType::Undefined && sig.in_ranks[2] != 1)
    return sig.op + ": bias has rank " + std::to_string(sig.in_ranks[2]) + ", expected 1";
  if (sig.out_ranks[0] != r)
    return sig.op + ": output has rank " + std::to_string(sig.out_ranks[0]) + ", expected " + std::to_string(r);
  why = activation_reason(sig);
  if (!why.empty()) return why;
  return check_conv_attrs(sig, r - 2);
}

// The 2-D view of a 1-D or 2-D window geometry.
struct Window {
  int64_t kh, kw;  // kernel
  int64_t sh, sw;  // strides
  int64_t dh, dw;  // dilations
  int64_t ph, pw;  // begin pads
};

// The walk of im2col (Conv) and col2im (ConvTranspose) over one chunk of the column buffer. The
// positions [p0, p0 + pn) of one grid, `cols` wide (flattened row * cols + col), reach the other
// grid, `other_cols` wide, through tap (kh, kw) at row row * sh - ph + kh * dh and columns
// col * sw + off, off = kw * dw - pw. For every channel c < channels, every tap in row-major
// order and every row segment of the positions, in that order (the order of the buffer's
// elements), calls
//   seg(c, other_row, col0, n, a, b, off)
// for the columns [col0, col0 + n) of the segment: those in [a, b) reach a column inside
// [0, other_cols); other_row may lie outside the other grid.
template <class Seg>
void for_each_tap_segment(int64_t channels, const Window& g, int64_t cols, int64_t other_cols, int64_t p0, int64_t pn,
                          Seg&& seg) {
  for (int64_t c = 0; c < channels; ++c) {
    for (int64_t kh = 0; kh < g.kh; ++kh) {
      for (int64_t kw = 0; kw < g.kw; ++kw) {
        // col * sw + off is inside [0, other_cols) exactly for col in [lo, hi).
        const int64_t off = kw * g.dw - g.pw;
        const int64_t lo = off >= 0 ? 0 : ceil_div(-off, g.sw);
        const int64_t hi = other_cols - off > 0 ? ceil_div(other_cols - off, g.sw) : 0;
        int64_t p = p0, row = p0 / cols, col = p0 % cols;
        const int64_t end = p0 + pn;
        while (p < end) {
          const int64_t n = std::min(cols - col, end - p);  // columns col .. col + n of this row
          const int64_t a = std::clamp(lo, col, col + n);
          const int64_t b = std::clamp(hi, a, col + n);
          seg(c, row * g.sh - g.ph + kh * g.dh, col, n, a, b, off);
          p += n;
          ++row;
          col = 0;
        }
      }
    }
  }
}

// A Conv or ConvTranspose call seen in 2-D: its tensors, the sizes both kernels read the same way
// and the window (kernel from W's spatial dims; strides, dilations and begin pads from the attributes).
struct ConvCall {
  const Tensor& X;
  const Tensor& Wt;
  const Tensor* bias;  // nullptr when absent
  Tensor& Y;
  int64_t N, C, H, W;  // X: batch, channels, spatial (H is 1 for 1-D)
  int64_t oH, oW;      // Y's spatial dims
  int64_t group;
  Window g;
};

inline ConvCall conv_call(const KernelCall& call) {
  const Tensor& X = *call.in[0];
  const Tensor& Wt = *call.in[1];
  Tensor& Y = *call.out[0];
  const int s = X.rank() - 2;
  // Spatial dim i (0 = H, 1 = W) of a tensor; H is 1 for 1-D.
  auto sp = [s](const Tensor& t, int i) { return s == 2 ? t.dims[2 + i] : (i == 0 ? int64_t(1) : t.dims[2]); };
  const IntsView st = call.attrs.ints_view("strides"), pd = call.attrs.ints_view("pads"),
                 dl = call.attrs.ints_view("dilations");
  const int64_t kh = sp(Wt, 0), kw = sp(Wt, 1);
  // (A named Window, not a ?: of two braced Windows inside the ConvCall braces: nvcc 13's cicc
  // crashes on that.)
  const Window g = s == 2 ? Window{kh, kw, st[0], st[1], dl[0], dl[1], pd[0], pd[1]}
                          : Window{1, kw, 1, st[0], 1, dl[0], 0, pd[0]};
  return ConvCall{X, Wt, call.in.size() > 2 ? call.in[2] : nullptr, Y,
                  X.dims[0], X.dims[1], sp(X, 0), sp(X, 1), sp(Y, 0), sp(Y, 1), call.attrs.i("group", 1), g};
}

// What the prepare hooks of Conv and ConvTranspose make: each group's weight matrix (rows x cols,
// transposed for ConvTranspose) packed once as sgemm's op(A), shared by the plans of every shape.
struct PackedWeights {
  std::vector<std::shared_ptr<const SgemmPacked>> groups;
};

inline std::shared_ptr<const void> pack_group_weights(const PrepareCall& p, const std::string& key, int64_t group,
                                                      bool trans, int64_t rows, int64_t cols, const float* w) {
  return p.shared(1, key + ":" + std::to_string(group), [&] {
    auto packed = std::make_shared<PackedWeights>();
    for (int64_t gi = 0; gi < group; ++gi)
      packed->groups.push_back(sgemm_pack_a(trans, rows, cols, 1.f, w + gi * rows * cols, trans ? rows : cols));
    return std::shared_ptr<const void>(std::move(packed));
  });
}

// The run's packed weights, or nullptr when there are none for this group count.
inline const PackedWeights* packed_weights(const KernelCall& call, int64_t group) {
  const auto* packed = static_cast<const PackedWeights*>(call.prepared);
  return packed && packed->groups.size() == static_cast<size_t>(group) ? packed : nullptr;
}

}  // namespace cpu
}  // namespace srt
