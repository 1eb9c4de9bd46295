// ConvTranspose, 1-D and 2-D (1-D is 2-D with H = 1): per batch item and group,
//   col (M/g*kH*kW x P_in) = W_g^T * X_g (C/g x P_in)   (sgemm with op(A) = W_g transposed)
// then col2im scatters every column into Y: input (ih, iw) through tap (kh, kw) lands on
//   oh = ih * sh - pad_h + kh * dh,  ow = iw * sw - pad_w + kw * dw   (when inside Y).
// Y's dims come from the plan (they include output_padding; the end pads are implied by them).
// The column buffer lives in ctx.scratch and covers a chunk of input positions at a time.
// The weights (sgemm's op(A) = W_g^T, one block per group) are packed once, at plan compile time.
// Large batches split their images over the threads (each product then runs on one thread).
#include <algorithm>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "core/kernel.h"
#include "cpu/conv_common.h"
#include "cpu/gemm.h"

namespace srt {
namespace {

using cpu::kColFloats;
using cpu::Window;

// Adds col rows r = (m * kH + kh) * kW + kw, each qn wide and holding input positions
// [q0, q0 + qn) (flattened ih * W + iw), into the output planes y (channels x oH x oW).
void col2im(const float* col, int64_t channels, int64_t W, const Window& g, int64_t oH, int64_t oW, int64_t q0,
            int64_t qn, float* y) {
  const float* src = col;
  // Input row ih, columns [iw, iw + n): [a, b) of them land on output columns t * sw + off of row oh.
  cpu::for_each_tap_segment(channels, g, W, oW, q0, qn, [&](int64_t m, int64_t oh, int64_t iw, int64_t n, int64_t a,
                                                            int64_t b, int64_t off) {
    if (oh >= 0 && oh < oH) {
      float* yr = y + m * oH * oW + oh * oW;
      const float* s = src + (a - iw);
      if (g.sw == 1) {
        float* d = yr + a + off;
        for (int64_t t = 0; t < b - a; ++t) d[t] += s[t];
      } else {
        for (int64_t t = a; t < b; ++t) yr[t * g.sw + off] += *s++;
      }
    }
    src += n;
  });
}

// Input positions per sgemm call (the width of the column buffer).
int64_t col_chunk(int64_t Pin, int64_t Kc) {
  return std::max<int64_t>(1, std::min(Pin, kColFloats / std::max<int64_t>(Kc, 1)));
}


std::shared_ptr<const void> prepare_conv_transpose(const PrepareCall& p) {
  if (p.in.size() < 2 || p.out.size() != 1 || !p.in[1].data) return nullptr;
  const Tensor& X = p.in[0];
  const Tensor& Wt = p.in[1];
  const int r = X.rank();
  if (r < 3 || r > 4 || Wt.rank() != r) return nullptr;
  const int64_t group = p.attrs.i("group", 1), C = Wt.dims[0];
  if (group < 1 || C % group != 0) return nullptr;
  const int64_t Cg = C / group;
  int64_t Kc = Wt.dims[1], Pin = 1;
  for (int d = 2; d < r; ++d) {
    Kc *= Wt.dims[d];
    Pin *= X.dims[d];
  }
  if (Pin == 0 || !sgemm_packs(true, false, Kc, col_chunk(Pin, Kc), Cg)) return nullptr;
  const float* w = Wt.ptr<const float>();
  return cpu::pack_group_weights(p, "conv-transpose-a", group, true, Kc, Cg, w);
}

void run_conv_transpose(const KernelCall& call) {
  const auto& [X, Wt, bias, Y, N, C, H, W, oH, oW, group, g] = cpu::conv_call(call);
  const int64_t Mg = Wt.dims[1];
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

  const int64_t qc = col_chunk(Pin, Kc);
  const Activation act = activation_of(call.attrs);
  const cpu::PackedWeights* packed = cpu::packed_weights(call, group);
  const size_t col_floats = Pin > 0 && Kc > 0 ? static_cast<size_t>(Kc * qc) : 0;
  // One image (all its groups) into y, with `col` as the column buffer and ctx for sgemm.
  auto image = [&](int64_t n, float* col, ExecContext& ctx) {
    for (int64_t gi = 0; gi < group; ++gi) {
      const float* xg = x + (n * C + gi * Cg) * Pin;
      const float* wg = w + gi * Cg * Kc;  // Cg rows of Kc
      const SgemmPacked* pw = packed ? packed->groups[gi].get() : nullptr;
      float* yg = y + (n * M + gi * Mg) * P;
      for (int64_t m = 0; m < Mg; ++m) std::fill(yg + m * P, yg + (m + 1) * P, b ? b[gi * Mg + m] : 0.f);
      if (!col) continue;
      for (int64_t q0 = 0; q0 < Pin; q0 += qc) {
        const int64_t qn = std::min(qc, Pin - q0);
        sgemm(true, false, Kc, qn, Cg, 1.f, wg, Kc, xg + q0, Pin, 0.f, col, qn, ctx, pw, nullptr);
        col2im(col, Mg, W, g, oH, oW, q0, qn, yg);
      }
    }
    apply_activation(act, y + n * M * P, M * P, ctx);
  };

  const int threads = call.ctx.threads();
  if (threads > 1 && N >= 2 * threads) {
    // Many images: each thread takes whole images (its products on that thread, its own column
    // buffer), which keeps every thread busy where one image's product is too small to split well.
    float* cols = col_floats ? static_cast<float*>(call.ctx.scratch(col_floats * threads * sizeof(float))) : nullptr;
    std::atomic<int64_t> next{0};
    call.ctx.parallel_for(threads, [&](int64_t t0, int64_t t1) {
      ExecContext local;  // no pool: sgemm and the activation run on this thread
      for (int64_t t = t0; t < t1; ++t)
        for (int64_t n = next.fetch_add(1); n < N; n = next.fetch_add(1)) image(n, cols ? cols + t * col_floats : nullptr, local);
    });
    return;
  }
  // A few images: the output channels of each group are split into blocks over the threads (a
  // block's rows of the column buffer, its product and its col2im on one thread; blocks write
  // disjoint output channels), since sgemm splits a product by rows only and these have few.
  const int64_t kk = g.kh * g.kw;
  const int64_t mb = cpu::ceil_div(Mg, 2 * threads);
  if (threads > 1 && col_floats && Mg >= 2 && Kc * Pin * Cg >= (int64_t(1) << 16)) {
    const int64_t blocks = cpu::ceil_div(Mg, mb), items = N * group * blocks;
    const size_t block_floats = static_cast<size_t>(mb * kk * qc);
    float* cols = static_cast<float*>(call.ctx.scratch(block_floats * threads * sizeof(float)));
    std::atomic<int64_t> next{0};
    call.ctx.parallel_for(threads, [&](int64_t t0, int64_t t1) {
      ExecContext local;  // no pool: sgemm runs on this thread
      for (int64_t t = t0; t < t1; ++t) {
        float* col = cols + t * block_floats;
        for (int64_t it = next.fetch_add(1); it < items; it = next.fetch_add(1)) {
          const int64_t bi = it % blocks, gi = it / blocks % group, n = it / blocks / group;
          const int64_t m0 = bi * mb, mc = std::min(mb, Mg - m0);
          const float* xg = x + (n * C + gi * Cg) * Pin;
          const float* wg = w + gi * Cg * Kc + m0 * kk;  // columns [m0 * kk, (m0 + mc) * kk) of Cg rows of Kc
          float* yb = y + (n * M + gi * Mg + m0) * P;
          for (int64_t m = 0; m < mc; ++m)
            std::fill(yb + m * P, yb + (m + 1) * P, b ? b[gi * Mg + m0 + m] : 0.f);
          for (int64_t q0 = 0; q0 < Pin; q0 += qc) {
            const int64_t qn = std::min(qc, Pin - q0);
            sgemm(true, false, mc * kk, qn, Cg, 1.f, wg, Kc, xg + q0, Pin, 0.f, col, qn, local, nullptr, nullptr);
            col2im(col, mc, W, g, oH, oW, q0, qn, yb);
          }
        }
      }
    });
    apply_activation(act, y, N * M * P, call.ctx);
    return;
  }
  float* col = col_floats ? static_cast<float*>(call.ctx.scratch(col_floats * sizeof(float))) : nullptr;
  for (int64_t n = 0; n < N; ++n) image(n, col, call.ctx);
}

}  // namespace

SRT_KERNEL_PREPARED("ConvTranspose", CPU, cpu::supports_conv_family, run_conv_transpose, prepare_conv_transpose);

}  // namespace srt
