// CUDA twin of cpu/where.cc: Z = C ? X : Y with three-way numpy broadcasting; X, Y, Z of any
// element type (moved by size).
//
// The broadcast is simplified on the host (cpu::broadcast_walk). When it comes down to one dim
// (same shapes, scalars, a scalar fill value such as Where(mask, x, -inf)) every operand's stride
// is 0 or 1 and the kernel needs no per-element division; otherwise the general kernel splits the
// output index into a multi-index once and applies the three operands' strides.
#include <cstdint>

#include "cpu/broadcast.h"
#include "cuda/cuda_util.h"

namespace srt {
namespace {

// The simplified broadcast passed by value: output dims and the element strides of C, X and Y.
struct Broadcast3 {
  int rank = 0;
  int64_t dims[cuda::kMaxRank] = {};
  int64_t stride_c[cuda::kMaxRank] = {};
  int64_t stride_x[cuda::kMaxRank] = {};
  int64_t stride_y[cuda::kMaxRank] = {};
};

template <class T>
__global__ void where_same_kernel(const uint8_t* __restrict__ cond, const T* __restrict__ x, const T* __restrict__ y,
                                  T* __restrict__ z, int64_t n) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
    z[i] = cond[i] ? x[i] : y[i];
}

// One dim, each operand's stride 0 (broadcast scalar) or 1: a multiply, no division.
template <class T>
__global__ void where_flat_kernel(const uint8_t* __restrict__ cond, const T* __restrict__ x, const T* __restrict__ y,
                                  T* __restrict__ z, int64_t n, int64_t sc, int64_t sx, int64_t sy) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
    z[i] = cond[i * sc] ? x[i * sx] : y[i * sy];  // only the selected value is read
}

template <class T>
__global__ void where_broadcast_kernel(const uint8_t* __restrict__ cond, const T* __restrict__ x,
                                       const T* __restrict__ y, T* __restrict__ z, int64_t n, Broadcast3 s) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    int64_t rest = i, oc = 0, ox = 0, oy = 0;
    for (int d = s.rank - 1; d > 0; --d) {
      const int64_t q = rest / s.dims[d];
      const int64_t r = rest - q * s.dims[d];
      oc += r * s.stride_c[d];
      ox += r * s.stride_x[d];
      oy += r * s.stride_y[d];
      rest = q;
    }
    oc += rest * s.stride_c[0];  // the outermost index needs no division
    ox += rest * s.stride_x[0];
    oy += rest * s.stride_y[0];
    z[i] = cond[oc] ? x[ox] : y[oy];
  }
}

std::string supports_where(const NodeSig& s) {
  std::string r = cpu::require_arity(s, 3, 3, 1, 1, 3);
  if (!r.empty()) return r;
  if (s.in_types[0] != DType::Bool)
    return s.op + ": input 0 has unsupported type " + dtype_name(s.in_types[0]) + ", expected bool";
  r = cpu::require_same_types(s, 1, {2}, {0});
  if (!r.empty()) return r;
  if (!s.out_ranks.empty() && s.out_ranks[0] > cuda::kMaxRank)  // the CPU accepts any rank; the general kernel up to kMaxRank
    return s.op + ": CUDA kernels handle up to " + std::to_string(cuda::kMaxRank) + " dims";
  return "";
}

template <class T>
void where_launch(const KernelCall& c, const Tensor& C, const Tensor& X, const Tensor& Y, Tensor& Z,
                  const cpu::Walk<3>& w) {
  const int64_t n = Z.numel();
  const uint8_t* cond = C.ptr<const uint8_t>();
  const T* x = X.ptr<const T>();
  const T* y = Y.ptr<const T>();
  T* z = Z.ptr<T>();
  const unsigned blocks = cuda::blocks_for(n);
  cudaStream_t stream = cuda::stream_of(c);
  const int rank = static_cast<int>(w.shape.size());
  const int64_t sc = w.strides[0].back(), sx = w.strides[1].back(), sy = w.strides[2].back();
  if (rank == 1 && sc == 1 && sx == 1 && sy == 1) {
    SRT_LAUNCH(blocks, cuda::kThreads, 0, stream, where_same_kernel<T>)(cond, x, y, z, n);
  } else if (rank == 1) {
    SRT_LAUNCH(blocks, cuda::kThreads, 0, stream, where_flat_kernel<T>)(cond, x, y, z, n, sc, sx, sy);
  } else {
    if (rank > cuda::kMaxRank)
      throw Error(kErrUnsupported, "Where: CUDA kernels handle broadcasts of up to " +
                                       std::to_string(cuda::kMaxRank) + " dims");
    Broadcast3 s;
    s.rank = rank;
    for (int d = 0; d < rank; ++d) {
      s.dims[d] = w.shape[d];
      s.stride_c[d] = w.strides[0][d];
      s.stride_x[d] = w.strides[1][d];
      s.stride_y[d] = w.strides[2][d];
    }
    SRT_LAUNCH(blocks, cuda::kThreads, 0, stream, where_broadcast_kernel<T>)(cond, x, y, z, n, s);
  }
  cuda::check_launch("Where");
}

void run_where(const KernelCall& c) {
  const Tensor& C = cpu::input(c, 0, "Where");
  const Tensor& X = cpu::input(c, 1, "Where");
  const Tensor& Y = cpu::input(c, 2, "Where");
  Tensor& Z = cpu::output(c, 0, "Where");
  if (C.dtype != DType::Bool || X.dtype != Z.dtype || Y.dtype != Z.dtype) cpu::fail_plan("Where: unsupported types");
  if (Z.numel() == 0) return;
  const cpu::Walk<3> w = cpu::broadcast_walk<3>("Where", Z.dims, {&C.dims, &X.dims, &Y.dims});
  cpu::dispatch_size(dtype_size(Z.dtype), [&](auto tag) { where_launch<decltype(tag)>(c, C, X, Y, Z, w); });
}

}  // namespace

SRT_KERNEL("Where", CUDA, supports_where, run_where);

}  // namespace srt
