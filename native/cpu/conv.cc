// Conv, 1-D and 2-D (a 1-D convolution is the 2-D one with H = 1), via im2col + sgemm per batch
// item and group: Y_g (M/g x P) = W_g (M/g x C/g*kH*kW) * col (C/g*kH*kW x P), P = oH*oW.
// The column buffer lives in ctx.scratch and covers a chunk of output positions at a time, so
// its size stays bounded for large images. 1x1 kernels with stride 1 and no padding skip it.
#include <algorithm>
#include <string>
#include <vector>

#include "core/kernel.h"
#include "cpu/gemm.h"

namespace srt {
namespace {

// Upper bound on the column buffer, in floats (16 MiB).
constexpr int64_t kColFloats = int64_t(1) << 22;

std::string check_spatial_attrs(const NodeSig& sig, int s) {
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

std::string supports_conv(const NodeSig& sig) {
  if (sig.in_types.size() < 2 || sig.in_types.size() > 3)
    return "Conv: expects 2 or 3 inputs, got " + std::to_string(sig.in_types.size());
  if (sig.out_types.size() != 1) return "Conv: expects 1 output, got " + std::to_string(sig.out_types.size());
  std::string why = require_types(sig, {DType::F32});
  if (why.empty()) why = require_rank(sig, 0, 3, 4);
  if (!why.empty()) return why;
  const int r = sig.in_ranks[0];
  if (sig.in_ranks[1] != r)
    return "Conv: weights have rank " + std::to_string(sig.in_ranks[1]) + ", expected " + std::to_string(r);
  if (sig.in_types.size() == 3 && sig.in_types[2] != DType::Undefined && sig.in_ranks[2] != 1)
    return "Conv: bias has rank " + std::to_string(sig.in_ranks[2]) + ", expected 1";
  if (sig.out_ranks[0] != r) return "Conv: output has rank " + std::to_string(sig.out_ranks[0]) + ", expected " + std::to_string(r);
  return check_spatial_attrs(sig, r - 2);
}

// The 2-D view of a 1-D or 2-D window geometry.
struct Window {
  int64_t kh, kw;  // kernel
  int64_t sh, sw;  // strides
  int64_t dh, dw;  // dilations
  int64_t ph, pw;  // begin pads
};

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }  // a >= 0, b > 0

// Fills col rows r = (c * kH + kh) * kW + kw, each pn wide, with the input values that output
// positions [p0, p0 + pn) (flattened oh * oW + ow) see through tap (kh, kw) of channel c; zero
// where the tap falls into padding.
void im2col(const float* x, int64_t channels, int64_t H, int64_t W, const Window& g, int64_t oW, int64_t p0,
            int64_t pn, float* col) {
  float* dst = col;
  for (int64_t c = 0; c < channels; ++c) {
    const float* xc = x + c * H * W;
    for (int64_t kh = 0; kh < g.kh; ++kh) {
      for (int64_t kw = 0; kw < g.kw; ++kw) {
        // iw = ow * sw + off is inside [0, W) exactly for ow in [lo, hi).
        const int64_t off = kw * g.dw - g.pw;
        const int64_t lo = off >= 0 ? 0 : ceil_div(-off, g.sw);
        const int64_t hi = W - off > 0 ? ceil_div(W - off, g.sw) : 0;
        int64_t p = p0, oh = p0 / oW, ow = p0 % oW;
        const int64_t end = p0 + pn;
        while (p < end) {
          const int64_t seg = std::min(oW - ow, end - p);  // positions ow .. ow + seg of row oh
          const int64_t ih = oh * g.sh - g.ph + kh * g.dh;
          if (ih < 0 || ih >= H) {
            std::fill(dst, dst + seg, 0.f);
          } else {
            const float* xr = xc + ih * W;
            const int64_t a = std::clamp(lo, ow, ow + seg);
            const int64_t b = std::clamp(hi, a, ow + seg);
            std::fill(dst, dst + (a - ow), 0.f);
            float* d = dst + (a - ow);
            if (g.sw == 1) {
              std::copy(xr + a + off, xr + b + off, d);
            } else {
              for (int64_t q = a; q < b; ++q) *d++ = xr[q * g.sw + off];
            }
            std::fill(dst + (b - ow), dst + seg, 0.f);
          }
          dst += seg;
          p += seg;
          ++oh;
          ow = 0;
        }
      }
    }
  }
}

void run_conv(const KernelCall& call) {
  const Tensor& X = *call.in[0];
  const Tensor& Wt = *call.in[1];
  const Tensor* bias = call.in.size() > 2 ? call.in[2] : nullptr;
  Tensor& Y = *call.out[0];
  const int s = X.rank() - 2;
  // Spatial dim i (0 = H, 1 = W) of a tensor; H is 1 for 1-D.
  auto sp = [s](const Tensor& t, int i) { return s == 2 ? t.dims[2 + i] : (i == 0 ? int64_t(1) : t.dims[2]); };
  const int64_t N = X.dims[0], C = X.dims[1], H = sp(X, 0), W = sp(X, 1);
  const int64_t M = Wt.dims[0], Cg = Wt.dims[1];
  const int64_t oH = sp(Y, 0), oW = sp(Y, 1);
  const int64_t group = call.attrs.i("group", 1);
  const std::vector<int64_t> st = call.attrs.ints("strides"), pd = call.attrs.ints("pads"),
                             dl = call.attrs.ints("dilations");
  const int64_t kh = sp(Wt, 0), kw = sp(Wt, 1);
  const Window g = s == 2 ? Window{kh, kw, st[0], st[1], dl[0], dl[1], pd[0], pd[1]}
                          : Window{1, kw, 1, st[0], 1, dl[0], 0, pd[0]};
  if (Y.dims[0] != N || Y.dims[1] != M || group < 1 || C != Cg * group || M % group != 0 ||
      (bias && bias->numel() != M))
    throw Error(kErrInvalidPlan, "Conv: input, weight, bias and output dims are inconsistent (C = " +
                                     std::to_string(C) + ", weight (" + std::to_string(M) + ", " + std::to_string(Cg) +
                                     ", ...), group = " + std::to_string(group) + ")");
  const int64_t P = oH * oW;
  if (N == 0 || M == 0 || P == 0) return;

  const int64_t Mg = M / group;
  const int64_t Kc = Cg * g.kh * g.kw;
  const float* x = X.ptr<const float>();
  const float* w = Wt.ptr<const float>();
  const float* b = bias ? bias->ptr<const float>() : nullptr;
  float* y = Y.ptr<float>();

  const bool direct = g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.ph == 0 && g.pw == 0 && oH == H && oW == W;
  const int64_t pc = direct ? P : std::max<int64_t>(1, std::min(P, kColFloats / std::max<int64_t>(Kc, 1)));
  float* col = direct ? nullptr : static_cast<float*>(call.ctx.scratch(static_cast<size_t>(Kc * pc) * sizeof(float)));

  for (int64_t n = 0; n < N; ++n) {
    for (int64_t gi = 0; gi < group; ++gi) {
      const float* xg = x + (n * C + gi * Cg) * H * W;
      const float* wg = w + gi * Mg * Kc;
      float* yg = y + (n * M + gi * Mg) * P;
      if (b)
        for (int64_t m = 0; m < Mg; ++m) std::fill(yg + m * P, yg + (m + 1) * P, b[gi * Mg + m]);
      const float beta = b ? 1.f : 0.f;
      if (direct) {
        sgemm(false, false, Mg, P, Kc, 1.f, wg, Kc, xg, H * W, beta, yg, P, call.ctx);
        continue;
      }
      for (int64_t p0 = 0; p0 < P; p0 += pc) {
        const int64_t pn = std::min(pc, P - p0);
        im2col(xg, Cg, H, W, g, oW, p0, pn, col);
        sgemm(false, false, Mg, pn, Kc, 1.f, wg, Kc, col, pn, beta, yg + p0, P, call.ctx);
      }
    }
  }
}

}  // namespace

SRT_KERNEL("Conv", CPU, supports_conv, run_conv);

}  // namespace srt
