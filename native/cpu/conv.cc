// Conv, 1-D and 2-D (a 1-D convolution is the 2-D one with H = 1), via im2col + sgemm per batch
// item and group: Y_g (M/g x P) = W_g (M/g x C/g*kH*kW) * col (C/g*kH*kW x P), P = oH*oW.
// Large batches split their images over the threads (each product then runs on one thread).
// The column buffer lives in ctx.scratch and covers a chunk of output positions at a time, so
// its size stays bounded for large images. 1x1 kernels with stride 1 and no padding skip it.
// The weights (sgemm's A operand, one block per group) are packed once, at plan compile time.
// The bias and the fused activation are applied in sgemm's epilogue, tile by tile.
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

// Fills col rows r = (c * kH + kh) * kW + kw, each pn wide, with the input values that output
// positions [p0, p0 + pn) (flattened oh * oW + ow) see through tap (kh, kw) of channel c; zero
// where the tap falls into padding.
void im2col(const float* x, int64_t channels, int64_t H, int64_t W, const Window& g, int64_t oW, int64_t p0,
            int64_t pn, float* col) {
  float* dst = col;
  // Output row oh, columns [ow, ow + n): [a, b) of them read input columns q * sw + off of row ih.
  cpu::for_each_tap_segment(channels, g, oW, W, p0, pn, [&](int64_t c, int64_t ih, int64_t ow, int64_t n, int64_t a,
                                                            int64_t b, int64_t off) {
    if (ih < 0 || ih >= H) {
      std::fill(dst, dst + n, 0.f);
    } else {
      const float* xr = x + c * H * W + ih * W;
      std::fill(dst, dst + (a - ow), 0.f);
      float* d = dst + (a - ow);
      if (g.sw == 1) {
        std::copy(xr + a + off, xr + b + off, d);
      } else {
        for (int64_t q = a; q < b; ++q) *d++ = xr[q * g.sw + off];
      }
      std::fill(dst + (b - ow), dst + n, 0.f);
    }
    dst += n;
  });
}

// 1x1 kernel, stride 1, no padding, same spatial dims: no column buffer (X is sgemm's B as it is).
bool conv_is_direct(int64_t kh, int64_t kw, const Window& g, int64_t H, int64_t W, int64_t oH, int64_t oW) {
  return kh == 1 && kw == 1 && g.sh == 1 && g.sw == 1 && g.ph == 0 && g.pw == 0 && oH == H && oW == W;
}

// Output positions per sgemm call (the width of the column buffer).
int64_t conv_chunk(bool direct, int64_t P, int64_t Kc) {
  return direct ? P : std::max<int64_t>(1, std::min(P, kColFloats / std::max<int64_t>(Kc, 1)));
}


std::shared_ptr<const void> prepare_conv(const PrepareCall& p) {
  if (p.in.size() < 2 || p.out.size() != 1 || !p.in[1].data) return nullptr;
  const Tensor& X = p.in[0];
  const Tensor& Wt = p.in[1];
  const Tensor& Y = p.out[0];
  const int r = X.rank();
  if (r < 3 || r > 4 || Wt.rank() != r || Y.rank() != r) return nullptr;
  const int64_t group = p.attrs.i("group", 1), M = Wt.dims[0];
  if (group < 1 || M % group != 0) return nullptr;
  const int64_t Mg = M / group;
  int64_t Kc = Wt.dims[1], P = 1;
  for (int d = 2; d < r; ++d) {
    Kc *= Wt.dims[d];
    P *= Y.dims[d];
  }
  const std::vector<int64_t> st = p.attrs.ints("strides"), pd = p.attrs.ints("pads");
  if (st.size() != static_cast<size_t>(r - 2) || pd.size() != static_cast<size_t>(2 * (r - 2))) return nullptr;
  const Window g = r == 4 ? Window{Wt.dims[2], Wt.dims[3], st[0], st[1], 1, 1, pd[0], pd[1]}
                          : Window{1, Wt.dims[2], 1, st[0], 1, 1, 0, pd[0]};
  const bool direct = conv_is_direct(g.kh, g.kw, g, r == 4 ? X.dims[2] : 1, X.dims[r - 1], r == 4 ? Y.dims[2] : 1,
                                     Y.dims[r - 1]);
  if (!sgemm_packs(false, false, Mg, conv_chunk(direct, P, Kc), Kc)) return nullptr;
  const float* w = Wt.ptr<const float>();
  return cpu::pack_group_weights(p, "conv-a", group, false, Mg, Kc, w);
}

void run_conv(const KernelCall& call) {
  const auto& [X, Wt, bias, Y, N, C, H, W, oH, oW, group, g] = cpu::conv_call(call);
  const int64_t M = Wt.dims[0], Cg = Wt.dims[1];
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

  const bool direct = conv_is_direct(g.kh, g.kw, g, H, W, oH, oW);
  const Activation act = activation_of(call.attrs);
  const int64_t pc = conv_chunk(direct, P, Kc);
  const cpu::PackedWeights* packed = cpu::packed_weights(call, group);
  // The bias (one per output channel: a row of each group's product) and the activation are
  // applied in sgemm's epilogue.
  auto group_epilogue = [&](int64_t gi) {
    SgemmEpilogue e;
    e.row_bias = b ? b + gi * Mg : nullptr;
    e.act = act;
    return e;
  };
  // One image (all its groups) into y, with `col` as the column buffer and ctx for sgemm.
  auto image = [&](int64_t n, float* col, ExecContext& ctx) {
    for (int64_t gi = 0; gi < group; ++gi) {
      const float* xg = x + (n * C + gi * Cg) * H * W;
      const float* wg = w + gi * Mg * Kc;
      const SgemmPacked* pw = packed ? packed->groups[gi].get() : nullptr;
      float* yg = y + (n * M + gi * Mg) * P;
      const SgemmEpilogue epi = group_epilogue(gi);
      if (direct) {
        sgemm(false, false, Mg, P, Kc, 1.f, wg, Kc, xg, H * W, 0.f, yg, P, ctx, pw, nullptr, &epi);
        continue;
      }
      for (int64_t p0 = 0; p0 < P; p0 += pc) {
        const int64_t pn = std::min(pc, P - p0);
        im2col(xg, Cg, H, W, g, oW, p0, pn, col);
        sgemm(false, false, Mg, pn, Kc, 1.f, wg, Kc, col, pn, 0.f, yg + p0, P, ctx, pw, nullptr, &epi);
      }
    }
  };

  const int threads = call.ctx.threads();
  const size_t col_floats = direct ? 0 : static_cast<size_t>(Kc * pc);
  if (threads > 1 && N >= 2 * threads) {
    // Many images: each thread takes whole images (one product per group, on that thread, with
    // its own column buffer), which keeps every thread busy where one image's product is too
    // small to split well (a few output channels).
    float* cols = direct ? nullptr : static_cast<float*>(call.ctx.scratch(col_floats * threads * sizeof(float)));
    std::atomic<int64_t> next{0};
    call.ctx.parallel_for(threads, [&](int64_t t0, int64_t t1) {
      ExecContext local;  // no pool: sgemm (and its epilogue) runs on this thread
      for (int64_t t = t0; t < t1; ++t)
        for (int64_t n = next.fetch_add(1); n < N; n = next.fetch_add(1)) image(n, cols ? cols + t * col_floats : nullptr, local);
    });
    return;
  }
  // A few images with wide outputs (1-D signals): the output positions are split into tiles over
  // the threads (each tile's im2col and product on one thread), since sgemm splits a product by
  // rows only and these have few (a few output channels).
  const int64_t tile = std::min(pc, std::max<int64_t>(64, cpu::ceil_div(cpu::ceil_div(P, 4 * threads), 16) * 16));
  if (threads > 1 && P >= 128 * threads && Mg * Kc * P >= (int64_t(1) << 16)) {
    const int64_t tiles = cpu::ceil_div(P, tile), items = N * group * tiles;
    const size_t tile_floats = direct ? 0 : static_cast<size_t>(Kc * tile);
    float* cols = direct ? nullptr : static_cast<float*>(call.ctx.scratch(tile_floats * threads * sizeof(float)));
    std::atomic<int64_t> next{0};
    call.ctx.parallel_for(threads, [&](int64_t t0, int64_t t1) {
      ExecContext local;  // no pool: sgemm runs on this thread
      for (int64_t t = t0; t < t1; ++t) {
        float* col = cols ? cols + t * tile_floats : nullptr;
        for (int64_t it = next.fetch_add(1); it < items; it = next.fetch_add(1)) {
          const int64_t ti = it % tiles, gi = it / tiles % group, n = it / tiles / group;
          const int64_t p0 = ti * tile, pn = std::min(tile, P - p0);
          const float* xg = x + (n * C + gi * Cg) * H * W;
          const float* wg = w + gi * Mg * Kc;
          const SgemmPacked* pw = packed ? packed->groups[gi].get() : nullptr;
          float* yg = y + (n * M + gi * Mg) * P + p0;
          const SgemmEpilogue epi = group_epilogue(gi);
          if (direct) {
            sgemm(false, false, Mg, pn, Kc, 1.f, wg, Kc, xg + p0, H * W, 0.f, yg, P, local, pw, nullptr, &epi);
          } else {
            im2col(xg, Cg, H, W, g, oW, p0, pn, col);
            sgemm(false, false, Mg, pn, Kc, 1.f, wg, Kc, col, pn, 0.f, yg, P, local, pw, nullptr, &epi);
          }
        }
      }
    });
    return;
  }
  float* col = direct ? nullptr : static_cast<float*>(call.ctx.scratch(col_floats * sizeof(float)));
  for (int64_t n = 0; n < N; ++n) image(n, col, call.ctx);
}

}  // namespace

SRT_KERNEL_PREPARED("Conv", CPU, cpu::supports_conv_family, run_conv, prepare_conv);

}  // namespace srt
