// CUDA twin of cpu/pad.cc: Pad with mode "constant" | "reflect" | "edge" | "wrap" and pads
// [begin_0.., end_0..] (negative pads crop), any element type; `value` (constant mode) is converted
// to the element type on the host and moved by size.
//
// As the ONNX reference (and the CPU kernel): negative pads crop first, then the cropped input is
// padded by the mode; reflect and wrap repeat periodically when a pad exceeds the (cropped) axis.
// Each thread writes one element of Y, mapping its coordinate on every axis to an input coordinate
// (or to the constant) in closed form. Neighbouring axes without pads are merged first.
#include <cstdint>
#include <cstring>
#include <vector>

#include "cpu/supports.h"
#include "cuda/movement.h"

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

// One (merged) axis: output coordinate o is coordinate o - lead of the cropped input axis, which is
// input [crop, crop + n); outside it the mode decides.
struct PadAxis {
  int64_t ydim = 1;     // output size
  int64_t n = 1;        // size of the cropped input axis
  int64_t lead = 0;     // positive begin pad
  int64_t crop = 0;     // negative begin pad, as a count
  int64_t xstride = 1;  // input stride in elements
};

struct PadAxes {
  int rank = 0;
  PadAxis ax[cuda::kMaxRank];
};

__device__ __forceinline__ int64_t floor_mod(int64_t a, int64_t m) {
  const int64_t r = a % m;
  return r < 0 ? r + m : r;
}

template <class T, class I>
__global__ void pad_kernel(const T* __restrict__ x, T* __restrict__ y, I total, PadAxes p, Mode mode, T fill) {
  for (I i = blockIdx.x * I(blockDim.x) + threadIdx.x; i < total; i += I(gridDim.x) * blockDim.x) {
    I rest = i;
    int64_t off = 0;
    bool inside = true;
    for (int d = p.rank - 1; d >= 0; --d) {
      const PadAxis& a = p.ax[d];
      const I ydim = static_cast<I>(a.ydim);
      const I q = rest / ydim;
      int64_t c = static_cast<int64_t>(rest - q * ydim) - a.lead;  // coordinate in the cropped axis
      rest = q;
      if (c < 0 || c >= a.n) {
        if (mode == Mode::Constant) {
          inside = false;
          break;
        }
        if (mode == Mode::Edge) {
          c = c < 0 ? 0 : a.n - 1;
        } else if (mode == Mode::Wrap) {
          c = floor_mod(c, a.n);
        } else if (a.n == 1) {  // reflect: mirror without repeating the edge, periodic with 2(n-1)
          c = 0;
        } else {
          c = floor_mod(c, 2 * (a.n - 1));
          if (c >= a.n) c = 2 * (a.n - 1) - c;
        }
      }
      off += (a.crop + c) * a.xstride;
    }
    y[i] = inside ? x[off] : fill;
  }
}

// The CPU predicate, plus the rank limit of the CUDA index math.
std::string supports_pad(const NodeSig& s) {
  return cpu::first_reason(cpu::supports_pad(s), cuda::require_max_rank(s, "Pad"));
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
  const int64_t total = Y.numel();
  if (total == 0) return;
  if (r > cuda::kMaxRank) throw Error(kErrUnsupported, "Pad: the CUDA kernel handles up to 8 dims");

  // The fill value's bytes, converted as the CPU kernel does.
  const double value = c.attrs.f("value", 0);
  uint64_t fill_bits = 0;
  cpu::dispatch_dtype(X.dtype, [&](auto tag) {
    constexpr DType D = decltype(tag)::value;
    using T = typename cpu::CType<D>::type;
    T fill;
    if constexpr (D == DType::Bool) fill = value != 0 ? 1 : 0;
    else if constexpr (D == DType::I64) fill = c.attrs.exact_i("value", 0);  // exact beyond 2^53
    else fill = pad_value<T>(value);
    std::memcpy(&fill_bits, &fill, sizeof(T));
  });

  // Per axis, outer to inner; axes without pads merge with a previous axis without pads.
  const Dims xs = strides_of(X.dims);
  PadAxes p;
  bool prev_plain = false;  // is the last axis of p a plain (unpadded) one?
  for (int d = 0; d < r; ++d) {
    const int64_t pb = pads[d], pe = pads[r + d];
    PadAxis a;
    a.ydim = Y.dims[d];
    a.crop = pb < 0 ? -pb : 0;
    a.n = X.dims[d] - a.crop - (pe < 0 ? -pe : 0);
    a.lead = pb > 0 ? pb : 0;
    a.xstride = xs[d];
    if (mode != Mode::Constant && a.n <= 0)
      cpu::fail_plan("Pad: axis " + std::to_string(d) + " has no elements left to pad from in this mode");
    const bool plain = pb == 0 && pe == 0;
    if (plain && a.ydim == 1) continue;  // coordinate 0 of input coordinate 0: adds nothing
    if (plain && prev_plain) {
      PadAxis& last = p.ax[p.rank - 1];
      last.ydim *= a.ydim;
      last.n = last.ydim;
      last.xstride = a.xstride;
      continue;
    }
    p.ax[p.rank++] = a;
    prev_plain = plain;
  }

  cpu::dispatch_size(dtype_size(X.dtype), [&](auto tag) {
    using T = decltype(tag);
    T fill;
    std::memcpy(&fill, &fill_bits, sizeof(T));
    cuda::dispatch_index(total, [&](auto index_tag) {
      using I = decltype(index_tag);
      SRT_LAUNCH(cuda::blocks_for(total), cuda::kThreads, 0, cuda::stream_of(c), pad_kernel<T, I>)
      (X.ptr<const T>(), Y.ptr<T>(), static_cast<I>(total), p, mode, fill);
    });
  });
  cuda::check_launch("Pad");
}

}  // namespace

SRT_KERNEL("Pad", CUDA, supports_pad, run_pad);

}  // namespace srt
