// MaxPool (with optional Indices) and AveragePool, 1-D and 2-D (1-D is 2-D with H = 1).
// Output dims come from the plan and may come from ceil_mode, so a window may run past the end
// padding: every tap is bounds-checked. Padding never wins a max and is never summed.
//   AveragePool divisor: count_include_pad = 1 counts the taps inside [-pad_begin, in + pad_end)
//   per axis; count_include_pad = 0 counts the taps inside the real input [0, in).
//   MaxPool Indices (int64): flat index into the whole input, storage_order 0 (row-major)
//   ((n * C + c) * H + h) * W + w, storage_order 1 (column-major plane) (n * C + c) * H * W + w * H + h.
// MaxPool ties keep the first tap in row-major window order; a NaN anywhere in the window makes the
// output NaN (its index: the first NaN's).
// Windows with no tap inside the input (only possible with pads >= the window extent): MaxPool
// gives the lowest float and index -1 (onnxruntime gives the same value), AveragePool gives 0.
#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "core/kernel.h"
#include "cpu/kernel_util.h"
#include "cpu/supports.h"

namespace srt {
namespace cpu {

std::string supports_pool(const NodeSig& sig, bool is_max) {
  const std::string& op = sig.op;
  if (sig.in_types.size() != 1) return op + ": expects 1 input, got " + std::to_string(sig.in_types.size());
  const size_t max_outs = is_max ? 2 : 1;
  if (sig.out_types.empty() || sig.out_types.size() > max_outs)
    return op + ": expects " + (is_max ? std::string("1 or 2 outputs") : std::string("1 output")) + ", got " +
           std::to_string(sig.out_types.size());
  std::string why = require_types(sig, {DType::F32}, false);
  if (why.empty()) why = require_rank(sig, 0, 3, 4);
  if (!why.empty()) return why;
  if (sig.out_types[0] != DType::F32)
    return op + ": output 0 has unsupported type " + dtype_name(sig.out_types[0]);
  if (sig.out_types.size() == 2 && sig.out_types[1] != DType::I64)
    return op + ": output 1 (Indices) has unsupported type " + dtype_name(sig.out_types[1]) + ", expected int64";
  const int r = sig.in_ranks[0];
  for (size_t i = 0; i < sig.out_ranks.size(); ++i)
    if (sig.out_ranks[i] != r)
      return op + ": output " + std::to_string(i) + " has rank " + std::to_string(sig.out_ranks[i]) + ", expected " +
             std::to_string(r);
  const size_t s = static_cast<size_t>(r - 2);
  const std::vector<int64_t> kernel = sig.attrs.ints("kernel_shape");
  const std::vector<int64_t> strides = sig.attrs.ints("strides");
  const std::vector<int64_t> pads = sig.attrs.ints("pads");
  const std::vector<int64_t> dilations = sig.attrs.ints("dilations");
  auto count = [&](const char* name, size_t got, size_t want) {
    return got == want ? std::string()
                       : op + ": " + name + " has " + std::to_string(got) + " values, expected " +
                             std::to_string(want) + " for a rank-" + std::to_string(r) + " input";
  };
  why = count("kernel_shape", kernel.size(), s);
  if (why.empty()) why = count("strides", strides.size(), s);
  if (why.empty()) why = count("dilations", dilations.size(), s);
  if (why.empty()) why = count("pads", pads.size(), 2 * s);
  if (!why.empty()) return why;
  for (int64_t v : kernel)
    if (v < 1) return op + ": kernel_shape must be positive";
  for (int64_t v : strides)
    if (v < 1) return op + ": strides must be positive";
  for (int64_t v : dilations)
    if (v < 1) return op + ": dilations must be positive";
  for (int64_t v : pads)
    if (v < 0) return op + ": negative pads are not supported";
  if (is_max) {
    const int64_t so = sig.attrs.i("storage_order", 0);
    if (so != 0 && so != 1) return op + ": storage_order must be 0 or 1, got " + std::to_string(so);
  }
  return "";
}

std::string supports_maxpool(const NodeSig& sig) { return supports_pool(sig, true); }
std::string supports_avgpool(const NodeSig& sig) { return supports_pool(sig, false); }

}  // namespace cpu

namespace {

using cpu::ceil_div;

// One spatial axis of the pooling geometry.
struct Axis {
  int64_t in, out;      // input and output extent
  int64_t k, s, d;      // kernel, stride, dilation
  int64_t pb, pe;       // begin and end pads
  // Taps t in [lo, hi) of the window at output o land inside [0, in) (empty when hi <= lo).
  void real_taps(int64_t o, int64_t* lo, int64_t* hi) const {
    const int64_t start = o * s - pb;
    *lo = start >= 0 ? 0 : ceil_div(-start, d);
    *hi = in - start > 0 ? std::min(k, ceil_div(in - start, d)) : 0;
    if (*hi < *lo) *hi = *lo;
  }
  // How many taps of the window at output o land inside [-pb, in + pe).
  int64_t padded_taps(int64_t o) const {
    const int64_t start = o * s - pb;  // >= -pb
    const int64_t lim = in + pe - start;
    return lim > 0 ? std::min(k, ceil_div(lim, d)) : 0;
  }
};

struct Geometry {
  int64_t planes;  // N * C
  Axis h, w;
};

Geometry geometry(const KernelCall& call, const char* op) {
  const Tensor& X = *call.in[0];
  const Tensor& Y = *call.out[0];
  const int s = X.rank() - 2;
  const IntsView ks = call.attrs.ints_view("kernel_shape"), st = call.attrs.ints_view("strides"),
                 pd = call.attrs.ints_view("pads"), dl = call.attrs.ints_view("dilations");
  if (Y.dims[0] != X.dims[0] || Y.dims[1] != X.dims[1])
    throw Error(kErrInvalidPlan, std::string(op) + ": output batch/channel dims differ from the input's");
  for (size_t i = 1; i < call.out.size(); ++i)
    if (call.out[i]->dims != Y.dims) throw Error(kErrInvalidPlan, std::string(op) + ": Indices dims differ from the output's");
  Geometry g;
  g.planes = X.dims[0] * X.dims[1];
  if (s == 2) {
    g.h = Axis{X.dims[2], Y.dims[2], ks[0], st[0], dl[0], pd[0], pd[2]};
    g.w = Axis{X.dims[3], Y.dims[3], ks[1], st[1], dl[1], pd[1], pd[3]};
  } else {
    g.h = Axis{1, 1, 1, 1, 1, 0, 0};
    g.w = Axis{X.dims[2], Y.dims[2], ks[0], st[0], dl[0], pd[0], pd[1]};
  }
  return g;
}

// One plane of MaxPool. Ties keep the first tap in row-major window order; a NaN anywhere in the
// window makes the output NaN (its index: the first NaN).
template <bool kWithIndex>
void maxpool_plane(const float* xp, int64_t plane_base, const Geometry& g, const int64_t* wlo, const int64_t* whi,
                   bool col_major, float* yp, int64_t* ip) {
  const int64_t H = g.h.in, W = g.w.in, oH = g.h.out, oW = g.w.out;
  const int64_t dh = g.h.d, dw = g.w.d;
  for (int64_t oh = 0; oh < oH; ++oh) {
    int64_t hlo, hhi;
    g.h.real_taps(oh, &hlo, &hhi);
    const int64_t h0 = oh * g.h.s - g.h.pb;
    for (int64_t ow = 0; ow < oW; ++ow) {
      const int64_t w0 = ow * g.w.s - g.w.pb;
      const int64_t tlo = wlo[ow], thi = whi[ow];
      if (hlo >= hhi || tlo >= thi) {  // no tap inside the input
        yp[oh * oW + ow] = std::numeric_limits<float>::lowest();
        if (kWithIndex) ip[oh * oW + ow] = -1;
        continue;
      }
      float best = -std::numeric_limits<float>::infinity();
      int64_t best_pos = (h0 + hlo * dh) * W + w0 + tlo * dw;  // position within the plane
      bool nan = false;
      for (int64_t th = hlo; th < hhi; ++th) {
        const int64_t row = (h0 + th * dh) * W + w0;
        for (int64_t tw = tlo; tw < thi; ++tw) {
          const int64_t pos = row + tw * dw;
          const float v = xp[pos];
          const bool greater = v > best;
          best = greater ? v : best;
          if (kWithIndex) best_pos = greater ? pos : best_pos;
          nan |= v != v;
        }
      }
      if (nan) {  // rare: find the first NaN
        best = std::numeric_limits<float>::quiet_NaN();
        for (int64_t th = hhi - 1; th >= hlo; --th)
          for (int64_t tw = thi - 1; tw >= tlo; --tw) {
            const int64_t pos = (h0 + th * dh) * W + w0 + tw * dw;
            if (xp[pos] != xp[pos]) best_pos = pos;
          }
      }
      yp[oh * oW + ow] = best;
      if (kWithIndex) {
        const int64_t ih = best_pos / W, iw = best_pos % W;
        ip[oh * oW + ow] = plane_base + (col_major ? iw * H + ih : best_pos);
      }
    }
  }
}

void run_maxpool(const KernelCall& call) {
  const Geometry g = geometry(call, "MaxPool");
  const int64_t H = g.h.in, W = g.w.in, oH = g.h.out, oW = g.w.out;
  const float* x = call.in[0]->ptr<const float>();
  float* y = call.out[0]->ptr<float>();
  int64_t* ind = call.out.size() > 1 ? call.out[1]->ptr<int64_t>() : nullptr;
  const bool col_major = call.attrs.i("storage_order", 0) == 1;
  if (g.planes == 0 || oH == 0 || oW == 0) return;

  // Per output column: its first and last real taps (kept in scratch: a run allocates nothing).
  int64_t* wlo = static_cast<int64_t*>(call.ctx.scratch(static_cast<size_t>(2 * oW) * sizeof(int64_t)));
  int64_t* whi = wlo + oW;
  for (int64_t ow = 0; ow < oW; ++ow) g.w.real_taps(ow, &wlo[ow], &whi[ow]);
  const int64_t work = g.planes * oH * oW * g.h.k * g.w.k;
  call.ctx.parallel_for(g.planes, [&](int64_t p0, int64_t p1) {
    for (int64_t pl = p0; pl < p1; ++pl) {
      if (ind)
        maxpool_plane<true>(x + pl * H * W, pl * H * W, g, wlo, whi, col_major, y + pl * oH * oW,
                            ind + pl * oH * oW);
      else
        maxpool_plane<false>(x + pl * H * W, pl * H * W, g, wlo, whi, col_major, y + pl * oH * oW, nullptr);
    }
  }, work);
}

void run_avgpool(const KernelCall& call) {
  const Geometry g = geometry(call, "AveragePool");
  const int64_t H = g.h.in, W = g.w.in, oH = g.h.out, oW = g.w.out;
  const float* x = call.in[0]->ptr<const float>();
  float* y = call.out[0]->ptr<float>();
  const bool include_pad = call.attrs.i("count_include_pad", 0) != 0;
  if (g.planes == 0 || oH == 0 || oW == 0) return;

  // Per output column: its first and last real taps and how many count (in scratch: no allocation).
  int64_t* wlo = static_cast<int64_t*>(call.ctx.scratch(static_cast<size_t>(3 * oW) * sizeof(int64_t)));
  int64_t* whi = wlo + oW;
  int64_t* wcount = whi + oW;
  for (int64_t ow = 0; ow < oW; ++ow) {
    g.w.real_taps(ow, &wlo[ow], &whi[ow]);
    wcount[ow] = include_pad ? g.w.padded_taps(ow) : whi[ow] - wlo[ow];
  }
  call.ctx.parallel_for(g.planes, [&](int64_t p0, int64_t p1) {
    for (int64_t pl = p0; pl < p1; ++pl) {
      const float* xp = x + pl * H * W;
      float* yp = y + pl * oH * oW;
      for (int64_t oh = 0; oh < oH; ++oh) {
        int64_t hlo, hhi;
        g.h.real_taps(oh, &hlo, &hhi);
        const int64_t hcount = include_pad ? g.h.padded_taps(oh) : hhi - hlo;
        const int64_t h0 = oh * g.h.s - g.h.pb;
        for (int64_t ow = 0; ow < oW; ++ow) {
          const int64_t w0 = ow * g.w.s - g.w.pb;
          float sum = 0.f;
          for (int64_t th = hlo; th < hhi; ++th) {
            const int64_t row = (h0 + th * g.h.d) * W + w0;  // + tw * dw is inside the row
            for (int64_t tw = wlo[ow]; tw < whi[ow]; ++tw) sum += xp[row + tw * g.w.d];
          }
          const int64_t count = hcount * wcount[ow];
          yp[oh * oW + ow] = count > 0 ? sum / static_cast<float>(count) : 0.f;
        }
      }
    }
  }, g.planes * oH * oW * g.h.k * g.w.k);
}

}  // namespace

SRT_KERNEL("MaxPool", CPU, cpu::supports_maxpool, run_maxpool);
SRT_KERNEL("AveragePool", CPU, cpu::supports_avgpool, run_avgpool);

}  // namespace srt
