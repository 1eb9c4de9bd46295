// CUDA twin of cpu/conv.cc: Conv, 1-D and 2-D (a 1-D convolution is the 2-D one with H = 1), same
// predicate (cpu::supports_conv_family), attributes and run-time checks. Three paths:
//  - depthwise (group == C, one input channel per group, any channel multiplier M / C): a direct
//    kernel, one thread per output element, since im2col + GEMM would multiply matrices of k = kH*kW;
//  - 1x1 kernels with stride 1 and no padding: Y_g = W_g * X_g straight from the input, no im2col;
//  - everything else: im2col into ctx.scratch, then per group one batched cuda::sgemm over the
//    images of a chunk, Y_g (M/g x P) = W_g (M/g x C/g*kH*kW) * col_g (C/g*kH*kW x P), P = oH*oW.
// The bias is added by sgemm's bias epilogue (or by the direct kernel). The column buffer covers a
// chunk of whole images at a time, or of output positions of one image when a single image's
// columns exceed the bound, so the scratch stays under kColFloats.
#include <algorithm>
#include <string>

#include "cpu/conv_common.h"
#include "cuda/activation.h"
#include "cuda/cuda_util.h"
#include "cuda/gemm.h"

namespace srt {
namespace {

using cpu::Window;

// Upper bound on the column buffer, in floats (64 MiB).
constexpr int64_t kColFloats = int64_t(1) << 24;

// Threads per block along the positions of an output plane: a multiple of 32 up to kThreads, so
// that small planes (a 5x5 output) do not leave most of a 256-thread block idle.
int threads_for(int64_t positions) {
  if (positions >= cuda::kThreads) return cuda::kThreads;
  return static_cast<int>((positions + 31) / 32 * 32);
}

// A 2-D grid: x over `positions` (threads_for(positions) per block), y over `planes` (capped at
// 65535; the kernels loop over the rest).
dim3 plane_grid(int64_t positions, int64_t planes) {
  const unsigned gx = cuda::blocks_for(positions, threads_for(positions));
  const unsigned gy = static_cast<unsigned>(std::min<int64_t>(std::max<int64_t>(planes, 1), 65535));
  return dim3(gx, gy);
}

// y[i] = bias[(i / P) % M], or 0 without a bias: the output of a convolution with no input
// channels or an empty kernel.
__global__ void fill_bias_kernel(float* __restrict__ y, const float* __restrict__ bias, int64_t M, int64_t P,
                                 int64_t n) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
    y[i] = bias ? bias[(i / P) % M] : 0.0f;
}

// Column buffer of `planes` input planes (image-major, channel-minor: plane q is x + q * H * W)
// for output positions [p0, p0 + pn): rows r = (q * kH + kh) * kW + kw, each pn wide, hold the
// input value that position p sees through tap (kh, kw) of plane q, or 0 in the padding. Each
// thread takes one position (one division for oh, ow) and writes its kH*kW taps of each plane it
// visits; consecutive threads write consecutive addresses of a row.
__global__ void im2col_kernel(const float* __restrict__ x, float* __restrict__ col, int64_t planes, int64_t H,
                              int64_t W, Window g, int64_t oW, int64_t p0, int64_t pn) {
  const int64_t taps = g.kh * g.kw;
  for (int64_t pl = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; pl < pn; pl += int64_t(gridDim.x) * blockDim.x) {
    const int64_t p = p0 + pl;
    const int64_t oh = p / oW, ow = p - oh * oW;
    const int64_t ih0 = oh * g.sh - g.ph, iw0 = ow * g.sw - g.pw;
    for (int64_t q = blockIdx.y; q < planes; q += gridDim.y) {
      const float* xp = x + q * H * W;
      float* dst = col + q * taps * pn + pl;
      for (int64_t a = 0; a < g.kh; ++a) {
        const int64_t ih = ih0 + a * g.dh;
        const bool row_in = ih >= 0 && ih < H;
        for (int64_t b = 0; b < g.kw; ++b) {
          const int64_t iw = iw0 + b * g.dw;
          *dst = row_in && iw >= 0 && iw < W ? xp[ih * W + iw] : 0.0f;
          dst += pn;
        }
      }
    }
  }
}

// Depthwise convolution: output channel m of image n reads input channel m / mult only
// (mult = M / C weights per channel). One thread per output position, looping over the
// (image, channel) planes of its grid row: y = bias[m] + sum over the taps inside the input.
__global__ void depthwise_kernel(const float* __restrict__ x, const float* __restrict__ w,
                                 const float* __restrict__ bias, float* __restrict__ y, int64_t planes, int64_t M,
                                 int64_t mult, int64_t H, int64_t W, Window g, int64_t oW, int64_t P) {
  const int64_t C = M / mult;
  for (int64_t p = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; p < P; p += int64_t(gridDim.x) * blockDim.x) {
    const int64_t oh = p / oW, ow = p - oh * oW;
    const int64_t ih0 = oh * g.sh - g.ph, iw0 = ow * g.sw - g.pw;
    for (int64_t q = blockIdx.y; q < planes; q += gridDim.y) {  // q = n * M + m
      const int64_t n = q / M, m = q - n * M;
      const float* xp = x + (n * C + m / mult) * H * W;
      const float* wp = w + m * g.kh * g.kw;
      float acc = 0.0f;
      for (int64_t a = 0; a < g.kh; ++a) {
        const int64_t ih = ih0 + a * g.dh;
        if (ih < 0 || ih >= H) continue;
        const float* xr = xp + ih * W;
        for (int64_t b = 0; b < g.kw; ++b) {
          const int64_t iw = iw0 + b * g.dw;
          if (iw >= 0 && iw < W) acc = fmaf(xr[iw], wp[a * g.kw + b], acc);
        }
      }
      y[q * P + p] = bias ? acc + bias[m] : acc;
    }
  }
}

void run_conv_product(const KernelCall& call) {
  const auto& [X, Wt, bias, Y, N, C, H, W, oH, oW, group, g] = cpu::conv_call(call);
  const int64_t M = Wt.dims[0], Cg = Wt.dims[1];
  if (Y.dims[0] != N || Y.dims[1] != M || group < 1 || C != Cg * group || M % group != 0 ||
      (bias && bias->numel() != M))
    throw Error(kErrInvalidPlan, "Conv: input, weight, bias and output dims are inconsistent (C = " +
                                     std::to_string(C) + ", weight (" + std::to_string(M) + ", " + std::to_string(Cg) +
                                     ", ...), group = " + std::to_string(group) + ")");
  const int64_t P = oH * oW;
  if (N == 0 || M == 0 || P == 0) return;

  cudaStream_t stream = cuda::stream_of(call);
  const bool tf32 = cuda::device_of(call).tf32;
  const int64_t Mg = M / group;
  const int64_t Kc = Cg * g.kh * g.kw;  // GEMM depth: rows of one group's columns
  const float* x = X.ptr<const float>();
  const float* w = Wt.ptr<const float>();
  const float* b = bias ? bias->ptr<const float>() : nullptr;
  float* y = Y.ptr<float>();

  // No input channels or an empty kernel: the output is the bias (or 0).
  if (Kc == 0) {
    const int64_t n = N * M * P;
    SRT_LAUNCH(cuda::blocks_for(n), cuda::kThreads, 0, stream, fill_bias_kernel)(y, b, M, P, n);
    cuda::check_launch("Conv");
    return;
  }

  // Depthwise: one input channel per group.
  if (group == C && Cg == 1) {
    SRT_LAUNCH(plane_grid(P, N * M), threads_for(P), 0, stream, depthwise_kernel)
    (x, w, b, y, N * M, M, M / C, H, W, g, oW, P);
    cuda::check_launch("Conv");
    return;
  }

  // One GEMM per group, batched over images: A = W_g (shared by the images), B and C step by
  // whole images. The bias of group gi's rows is added by the epilogue.
  cuda::Gemm gm;
  gm.m = Mg;
  gm.k = Kc;
  gm.a = nullptr;
  gm.lda = Kc;
  gm.batch_stride_a = 0;
  gm.bias_row_stride = 1;
  gm.bias_col_stride = 0;

  const bool direct = g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.ph == 0 && g.pw == 0 && oH == H && oW == W;
  if (direct) {  // col_g is X_g itself: Cg rows of P
    gm.n = P;
    gm.ldb = P;
    gm.batch_stride_b = C * P;
    gm.ldc = P;
    gm.batch_stride_c = M * P;
    gm.batch = N;
    for (int64_t gi = 0; gi < group; ++gi) {
      gm.a = w + gi * Mg * Kc;
      gm.b = x + gi * Cg * P;
      gm.c = y + gi * Mg * P;
      gm.bias = b ? b + gi * Mg : nullptr;
      cuda::sgemm(gm, stream, tf32);
    }
    return;
  }

  // Chunks: nb whole images at a time when one image's columns (C*kH*kW rows of P) fit the
  // bound, else pc output positions of one image at a time.
  const int64_t rows = C * g.kh * g.kw;  // = group * Kc
  int64_t nb = 1, pc = P;
  if (rows * P <= kColFloats) {
    nb = std::min(N, kColFloats / (rows * P));
  } else {
    pc = std::max<int64_t>(1, kColFloats / rows);
  }
  float* col = static_cast<float*>(call.ctx.scratch(static_cast<size_t>(nb * rows * pc) * sizeof(float)));

  const int64_t HW = H * W;
  for (int64_t n0 = 0; n0 < N; n0 += nb) {
    const int64_t nn = std::min(nb, N - n0);
    for (int64_t p0 = 0; p0 < P; p0 += pc) {
      const int64_t pn = std::min(pc, P - p0);
      SRT_LAUNCH(plane_grid(pn, nn * C), threads_for(pn), 0, stream, im2col_kernel)
      (x + n0 * C * HW, col, nn * C, H, W, g, oW, p0, pn);
      cuda::check_launch("Conv");
      // The columns of image i, group gi start at col + (i * group + gi) * Kc * pn.
      gm.n = pn;
      gm.ldb = pn;
      gm.batch_stride_b = rows * pn;
      gm.ldc = P;
      gm.batch_stride_c = M * P;
      gm.batch = nn;
      for (int64_t gi = 0; gi < group; ++gi) {
        gm.a = w + gi * Mg * Kc;
        gm.b = col + gi * Kc * pn;
        gm.c = y + (n0 * M + gi * Mg) * P + p0;
        gm.bias = b ? b + gi * Mg : nullptr;
        cuda::sgemm(gm, stream, tf32);
      }
    }
  }
}

// The product, then the fused activation (cuda/activation.h) over the whole output.
void run_conv(const KernelCall& call) {
  run_conv_product(call);
  Tensor& Y = *call.out[0];
  cuda::apply_activation(activation_of(call.attrs), Y.ptr<float>(), Y.numel(), cuda::stream_of(call));
}

}  // namespace

SRT_KERNEL("Conv", CUDA, cpu::supports_conv_family, run_conv);

}  // namespace srt
