// ConvTranspose, 1-D and 2-D (1-D is 2-D with H = 1): per batch item and group,
//   col (M/g*kH*kW x P_in) = W_g^T * X_g (C/g x P_in)   (sgemm with op(A) = W_g transposed)
// then col2im scatters every column into Y: input (ih, iw) through tap (kh, kw) lands on
//   oh = ih * sh - pad_h + kh * dh,  ow = iw * sw - pad_w + kw * dw   (when inside Y).
// Y's dims come from the plan (they include output_padding; the end pads are implied by them).
// The column buffer lives in ctx.scratch and covers a chunk of input positions at a time.
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

std::string supports_conv_transpose(const NodeSig& sig) {
  if (sig.in_types.size() < 2 || sig.in_types.size() > 3)
    return "ConvTranspose: expects 2 or 3 inputs, got " + std::to_string(sig.in_types.size());
  if (sig.out_types.size() != 1) return "ConvTranspose: expects 1 output, got " + std::to_string(sig.out_types.size());
  std::string why = require_types(sig, {DType::F32});
  if (why.empty()) why = require_rank(sig, 0, 3, 4);
  if (!why.empty()) return why;
  const int r = sig.in_ranks[0];
  if (sig.in_ranks[1] != r)
    return "ConvTranspose: weights have rank " + std::to_string(sig.in_ranks[1]) + ", expected " + std::to_string(r);
  if (sig.in_types.size() == 3 && sig.in_types[2] != DType::Undefined && sig.in_ranks[2] != 1)
    return "ConvTranspose: bias has rank " + std::to_string(sig.in_ranks[2]) + ", expected 1";
  if (sig.out_ranks[0] != r)
    return "ConvTranspose: output has rank " + std::to_string(sig.out_ranks[0]) + ", expected " + std::to_string(r);
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

// Adds col rows r = (m * kH + kh) * kW + kw, each qn wide and holding input positions
// [q0, q0 + qn) (flattened ih * W + iw), into the output planes y (channels x oH x oW).
void col2im(const float* col, int64_t channels, int64_t W, const Window& g, int64_t oH, int64_t oW, int64_t q0,
            int64_t qn, float* y) {
  const float* src = col;
  for (int64_t m = 0; m < channels; ++m) {
    float* ym = y + m * oH * oW;
    for (int64_t kh = 0; kh < g.kh; ++kh) {
      for (int64_t kw = 0; kw < g.kw; ++kw) {
        // ow = iw * sw + off is inside [0, oW) exactly for iw in [lo, hi).
        const int64_t off = kw * g.dw - g.pw;
        const int64_t lo = off >= 0 ? 0 : ceil_div(-off, g.sw);
        const int64_t hi = oW - off > 0 ? ceil_div(oW - off, g.sw) : 0;
        int64_t q = q0, ih = q0 / W, iw = q0 % W;
        const int64_t end = q0 + qn;
        while (q < end) {
          const int64_t seg = std::min(W - iw, end - q);  // positions iw .. iw + seg of input row ih
          const int64_t oh = ih * g.sh - g.ph + kh * g.dh;
          if (oh >= 0 && oh < oH) {
            float* yr = ym + oh * oW;
            const int64_t a = std::clamp(lo, iw, iw + seg);
            const int64_t b = std::clamp(hi, a, iw + seg);
            const float* s = src + (a - iw);
            if (g.sw == 1) {
              float* d = yr + a + off;
              for (int64_t t = 0; t < b - a; ++t) d[t] += s[t];
            } else {
              for (int64_t t = a; t < b; ++t) yr[t * g.sw + off] += *s++;
            }
          }
          src += seg;
          q += seg;
          ++ih;
          iw = 0;
        }
      }
    }
  }
}

void run_conv_transpose(const KernelCall& call) {
  const Tensor& X = *call.in[0];
  const Tensor& Wt = *call.in[1];
  const Tensor* bias = call.in.size() > 2 ? call.in[2] : nullptr;
  Tensor& Y = *call.out[0];
  const int s = X.rank() - 2;
  // Spatial dim i (0 = H, 1 = W) of a tensor; H is 1 for 1-D.
  auto sp = [s](const Tensor& t, int i) { return s == 2 ? t.dims[2 + i] : (i == 0 ? int64_t(1) : t.dims[2]); };
  const int64_t N = X.dims[0], C = X.dims[1], H = sp(X, 0), W = sp(X, 1);
  const int64_t Mg = Wt.dims[1];
  const int64_t oH = sp(Y, 0), oW = sp(Y, 1);
  const int64_t group = call.attrs.i("group", 1);
  const std::vector<int64_t> st = call.attrs.ints("strides"), pd = call.attrs.ints("pads"),
                             dl = call.attrs.ints("dilations");
  const int64_t kh = sp(Wt, 0), kw = sp(Wt, 1);
  const Window g = s == 2 ? Window{kh, kw, st[0], st[1], dl[0], dl[1], pd[0], pd[1]}
                          : Window{1, kw, 1, st[0], 1, dl[0], 0, pd[0]};
  const int64_t M = Mg * group;
  if (Y.dims[0] != N || Y.dims[1] != M || group < 1 || C % group != 0 || Wt.dims[0] != C ||
      (bias && bias->numel() != M))
    throw Error(kErrInvalidPlan, "ConvTranspose: input, weight, bias and output dims are inconsistent (C = " +
                                     std::to_string(C) + ", weight (" + std::to_string(Wt.dims[0]) + ", " +
                                     std::to_string(Mg) + ", ...), group = " + std::to_string(group) + ")");
  const int64_t P = oH * oW;
  if (N == 0 || M == 0 || P == 0) return;

  const int64_t Cg = C / group;
  const int64_t Kc = Mg * g.kh * g.kw;  // rows of the column buffer
  const int64_t Pin = H * W;
  const float* x = X.ptr<const float>();
  const float* w = Wt.ptr<const float>();
  const float* b = bias ? bias->ptr<const float>() : nullptr;
  float* y = Y.ptr<float>();

  const int64_t qc = std::max<int64_t>(1, std::min(Pin, kColFloats / std::max<int64_t>(Kc, 1)));
  float* col = Pin > 0 && Kc > 0 ? static_cast<float*>(call.ctx.scratch(static_cast<size_t>(Kc * qc) * sizeof(float)))
                                 : nullptr;

  for (int64_t n = 0; n < N; ++n) {
    for (int64_t gi = 0; gi < group; ++gi) {
      const float* xg = x + (n * C + gi * Cg) * Pin;
      const float* wg = w + gi * Cg * Kc;  // Cg rows of Kc
      float* yg = y + (n * M + gi * Mg) * P;
      for (int64_t m = 0; m < Mg; ++m) std::fill(yg + m * P, yg + (m + 1) * P, b ? b[gi * Mg + m] : 0.f);
      if (!col) continue;
      for (int64_t q0 = 0; q0 < Pin; q0 += qc) {
        const int64_t qn = std::min(qc, Pin - q0);
        sgemm(true, false, Kc, qn, Cg, 1.f, wg, Kc, xg + q0, Pin, 0.f, col, qn, call.ctx);
        col2im(col, Mg, W, g, oH, oW, q0, qn, yg);
      }
    }
  }
}

}  // namespace

SRT_KERNEL("ConvTranspose", CPU, supports_conv_transpose, run_conv_transpose);

}  // namespace srt
