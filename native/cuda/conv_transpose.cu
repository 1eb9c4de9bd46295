// CUDA twin of cpu/conv_transpose.cc: ConvTranspose, 1-D and 2-D (1-D is 2-D with H = 1), same
// predicate (cpu::supports_conv_family), attributes and run-time checks. Per group, one batched
// cuda::sgemm over the images of a chunk computes the columns
//   col (M/g*kH*kW x P_in) = W_g^T * X_g (C/g x P_in)
// into ctx.scratch, then col2im gathers them into Y: output (oh, ow) of channel m sums the
// column entries of input (ih, iw) through tap (kh, kw) with
//   oh = ih * sh - pad_h + kh * dh,  ow = iw * sw - pad_w + kw * dw,
// one thread per output element, so no atomics are needed, plus the bias.
// Y's dims come from the plan (they include output_padding and output_shape; the end pads are
// implied by them). The column buffer covers a chunk of whole images at a time, or of input
// positions of one image when a single image's columns exceed the bound (each later chunk then
// adds its contributions to Y).
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

// Threads per block along the positions of an output plane: a multiple of 32 up to kThreads.
int threads_for(int64_t positions) {
  if (positions >= cuda::kThreads) return cuda::kThreads;
  return static_cast<int>((positions + 31) / 32 * 32);
}

// A 2-D grid: x over `positions`, y over `planes` (capped at 65535; the kernels loop over the rest).
dim3 plane_grid(int64_t positions, int64_t planes) {
  const unsigned gx = cuda::blocks_for(positions, threads_for(positions));
  const unsigned gy = static_cast<unsigned>(std::min<int64_t>(std::max<int64_t>(planes, 1), 65535));
  return dim3(gx, gy);
}

// y[i] = bias[(i / P) % M], or 0 without a bias: the output when no input reaches it.
__global__ void fill_bias_kernel(float* __restrict__ y, const float* __restrict__ bias, int64_t M, int64_t P,
                                 int64_t n) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
    y[i] = bias ? bias[(i / P) % M] : 0.0f;
}

// The input positions (ih along one axis) whose window reaches output coordinate o along that axis:
// o + pad = i * s + k * d for a tap k in [0, taps). i runs over [begin, end) and a given i
// contributes when (o + pad - i * s) is a multiple of d.
struct Reach {
  int64_t begin, end;
};
__device__ __forceinline__ Reach reach(int64_t o, int64_t pad, int64_t s, int64_t d, int64_t taps, int64_t in) {
  const int64_t t = o + pad;                 // >= 0: pads are not negative
  const int64_t extent = (taps - 1) * d + 1;  // the window's span
  const int64_t begin = t < extent ? 0 : (t - extent) / s + 1;
  const int64_t last = t / s + 1;
  return Reach{begin, last < in ? last : in};
}

// Gathers the column buffer of `planes` output planes (image-major, channel-minor; plane q's
// rows are (q * kH + kh) * kW + kw, each qn wide, for input positions [q0, q0 + qn), flattened
// ih * W + iw) into y (plane q at y + q * P): each thread owns output positions and writes
// y = (accumulate ? y : bias[q % M] or 0) + its contributions from this chunk.
__global__ void col2im_kernel(const float* __restrict__ col, const float* __restrict__ bias, float* __restrict__ y,
                              int64_t planes, int64_t M, int64_t H, int64_t W, Window g, int64_t oW, int64_t P,
                              int64_t q0, int64_t qn, bool accumulate) {
  const int64_t taps = g.kh * g.kw;
  for (int64_t p = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; p < P; p += int64_t(gridDim.x) * blockDim.x) {
    const int64_t oh = p / oW, ow = p - oh * oW;
    const Reach rh = reach(oh, g.ph, g.sh, g.dh, g.kh, H);
    const Reach rw = reach(ow, g.pw, g.sw, g.dw, g.kw, W);
    for (int64_t q = blockIdx.y; q < planes; q += gridDim.y) {
      const float* cp = col + q * taps * qn;
      float acc = accumulate ? y[q * P + p] : (bias ? bias[q % M] : 0.0f);
      for (int64_t ih = rh.begin; ih < rh.end; ++ih) {
        const int64_t ah = oh + g.ph - ih * g.sh;  // kh * dh (no 64-bit division when dh is 1)
        if (g.dh != 1 && ah % g.dh != 0) continue;
        const int64_t kh = g.dh == 1 ? ah : ah / g.dh;
        for (int64_t iw = rw.begin; iw < rw.end; ++iw) {
          const int64_t aw = ow + g.pw - iw * g.sw;  // kw * dw
          if (g.dw != 1 && aw % g.dw != 0) continue;
          const int64_t kw = g.dw == 1 ? aw : aw / g.dw;
          const int64_t r = ih * W + iw - q0;  // column within the chunk
          if (r >= 0 && r < qn) acc += cp[(kh * g.kw + kw) * qn + r];
        }
      }
      y[q * P + p] = acc;
    }
  }
}

void run_conv_transpose_product(const KernelCall& call) {
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

  cudaStream_t stream = cuda::stream_of(call);
  const bool tf32 = cuda::device_of(call).tf32;
  const int64_t Cg = C / group;
  const int64_t Kc = Mg * g.kh * g.kw;  // rows of one group's columns
  const int64_t Pin = H * W;
  const float* x = X.ptr<const float>();
  const float* w = Wt.ptr<const float>();
  const float* b = bias ? bias->ptr<const float>() : nullptr;
  float* y = Y.ptr<float>();

  // No input positions, no input channels or an empty kernel: the output is the bias (or 0).
  if (Pin == 0 || Cg == 0 || Kc == 0) {
    const int64_t n = N * M * P;
    SRT_LAUNCH(cuda::blocks_for(n), cuda::kThreads, 0, stream, fill_bias_kernel)(y, b, M, P, n);
    cuda::check_launch("ConvTranspose");
    return;
  }

  // Chunks: nb whole images at a time when one image's columns (M*kH*kW rows of P_in) fit the
  // bound, else qc input positions of one image at a time.
  const int64_t rows = M * g.kh * g.kw;  // = group * Kc
  int64_t nb = 1, qc = Pin;
  if (rows * Pin <= kColFloats) {
    nb = std::min(N, kColFloats / (rows * Pin));
  } else {
    qc = std::max<int64_t>(1, kColFloats / rows);
  }
  float* col = static_cast<float*>(call.ctx.scratch(static_cast<size_t>(nb * rows * qc) * sizeof(float)));

  // One GEMM per group, batched over the images of a chunk: A = W_g (C/g x Kc, used transposed,
  // shared by the images); B = X_g of each image; the columns of image i, group gi start at
  // col + (i * group + gi) * Kc * qn, i.e. plane (i * M + m) of col2im.
  cuda::Gemm gm;
  gm.trans_a = true;
  gm.m = Kc;
  gm.k = Cg;
  gm.lda = Kc;
  gm.batch_stride_a = 0;
  gm.ldb = Pin;
  gm.batch_stride_b = C * Pin;
  for (int64_t n0 = 0; n0 < N; n0 += nb) {
    const int64_t nn = std::min(nb, N - n0);
    for (int64_t q0 = 0; q0 < Pin; q0 += qc) {
      const int64_t qn = std::min(qc, Pin - q0);
      gm.n = qn;
      gm.ldc = qn;
      gm.batch_stride_c = rows * qn;
      gm.batch = nn;
      for (int64_t gi = 0; gi < group; ++gi) {
        gm.a = w + gi * Cg * Kc;
        gm.b = x + (n0 * C + gi * Cg) * Pin + q0;
        gm.c = col + gi * Kc * qn;
        cuda::sgemm(gm, stream, tf32);
      }
      SRT_LAUNCH(plane_grid(P, nn * M), threads_for(P), 0, stream, col2im_kernel)
      (col, b, y + n0 * M * P, nn * M, M, H, W, g, oW, P, q0, qn, q0 > 0);
      cuda::check_launch("ConvTranspose");
    }
  }
}

// The product, then the fused activation (cuda/activation.h) over the whole output.
void run_conv_transpose(const KernelCall& call) {
  run_conv_transpose_product(call);
  Tensor& Y = *call.out[0];
  cuda::apply_activation(activation_of(call.attrs), Y.ptr<float>(), Y.numel(), cuda::stream_of(call));
}

}  // namespace

SRT_KERNEL("ConvTranspose", CUDA, cpu::supports_conv_family, run_conv_transpose);

}  // namespace srt
