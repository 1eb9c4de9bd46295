// Helpers shared by the CUDA kernels of this folder: where a run's stream and error word are,
// launch-error checks, grid sizing, strided index math for up to kMaxRank dims, and block-wide
// reductions through shared memory. The CPU predicate helpers (cpu/kernel_util.h) apply here too:
// a CUDA kernel's `supports` states exactly what its run function handles.
#pragma once
#include <cstdint>
#include <string>

#include "core/error.h"
#include "core/kernel.h"
#include "core/tensor.h"
#include "cpu/kernel_util.h"
#include "cuda/cuda_shim.h"

namespace srt {
namespace cuda {

constexpr int kMaxRank = 8;
constexpr int kThreads = 256;  // threads per block of the element-wise kernels

inline const DeviceContext& device_of(const KernelCall& c) {
  const DeviceContext* d = c.ctx.device();
  if (!d) throw Error(kErrInternal, "a CUDA kernel ran without a device context");
  return *d;
}
inline cudaStream_t stream_of(const KernelCall& c) { return static_cast<cudaStream_t>(device_of(c).stream); }

// Throws ERR_DEVICE when the last launch failed (a bad configuration; asynchronous faults show up
// at the executor's synchronisation instead).
inline void check_launch(const char* op) {
  cudaError_t e = cudaGetLastError();
  if (e != cudaSuccess) throw Error(kErrDevice, std::string(op) + ": kernel launch failed: " + cudaGetErrorString(e));
}

// "" when input 0 and output 0 have at most kMaxRank dims (the fixed arrays of Shape).
inline std::string require_max_rank(const NodeSig& s, const char* op) {
  const int in = s.in_ranks.empty() ? 0 : s.in_ranks[0], out = s.out_ranks.empty() ? 0 : s.out_ranks[0];
  if (in > kMaxRank || out > kMaxRank)
    return std::string(op) + ": the CUDA kernel handles up to " + std::to_string(kMaxRank) + " dims";
  return "";
}

// Blocks for n elements at `threads` per block, capped so that grid-stride loops cover the rest.
inline unsigned blocks_for(int64_t n, int threads = kThreads) {
  int64_t b = (n + threads - 1) / threads;
  if (b < 1) b = 1;
  if (b > 65535 * 8) b = 65535 * 8;
  return static_cast<unsigned>(b);
}

// Dims and row-major strides passed to kernels by value. A broadcast input has stride 0 on the
// dims it is broadcast along.
struct Shape {
  int rank = 0;
  int64_t dims[kMaxRank] = {};
  int64_t strides[kMaxRank] = {};
};

// The shape of `dims` with its own row-major strides.
inline Shape shape_of(const Dims& dims) {
  if (dims.size() > static_cast<size_t>(kMaxRank))
    throw Error(kErrUnsupported, "CUDA kernels handle up to " + std::to_string(kMaxRank) + " dims");
  Shape s;
  s.rank = static_cast<int>(dims.size());
  int64_t st = 1;
  for (int i = s.rank - 1; i >= 0; --i) {
    s.dims[i] = dims[i];
    s.strides[i] = st;
    st *= dims[i];
  }
  return s;
}

// The strides with which an input of dims `in` is read at each index of an output of dims `out`
// (numpy broadcasting: `in` is right-aligned; its dims of size 1 get stride 0).
inline Shape broadcast_strides(const Dims& in, const Dims& out) {
  Shape o = shape_of(out);
  Shape s;
  s.rank = o.rank;
  const int off = o.rank - static_cast<int>(in.size());
  if (off < 0) throw Error(kErrInvalidPlan, "broadcast input has a higher rank than its output");
  int64_t st = 1;
  for (int i = o.rank - 1; i >= 0; --i) {
    s.dims[i] = o.dims[i];
    const int j = i - off;
    const int64_t d = j >= 0 ? in[j] : 1;
    s.strides[i] = d == 1 ? 0 : st;
    st *= d;
  }
  return s;
}

// Offset in elements of linear output index i (of `out`'s dims) in an input with strides `in`.
__host__ __device__ __forceinline__ int64_t offset_of(int64_t i, const Shape& in) {
  int64_t off = 0;
  for (int d = in.rank - 1; d >= 0; --d) {
    const int64_t q = i / in.dims[d];
    off += (i - q * in.dims[d]) * in.strides[d];
    i = q;
  }
  return off;
}

// Reports bad input data (an index out of range) from a kernel: the first report wins.
__device__ __forceinline__ void report_error(int32_t* word, int32_t code) {
  atomicCAS(reinterpret_cast<int*>(word), 0, static_cast<int>(code));
}

// Block-wide sum / max of one value per thread, through shared memory; every thread of the block
// must call it (it has barriers) and gets the result. blockDim.x must be a power of two <= 1024.
__device__ __forceinline__ float block_sum(float v) {
  __shared__ float partial[1024];
  const unsigned t = threadIdx.x;
  __syncthreads();  // earlier users of `partial` are done
  partial[t] = v;
  __syncthreads();
  for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
    if (t < s) partial[t] += partial[t + s];
    __syncthreads();
  }
  return partial[0];
}
__device__ __forceinline__ float block_max(float v) {
  __shared__ float partial[1024];
  const unsigned t = threadIdx.x;
  __syncthreads();
  partial[t] = v;
  __syncthreads();
  for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
    if (t < s) partial[t] = fmaxf(partial[t], partial[t + s]);
    __syncthreads();
  }
  return partial[0];
}

}  // namespace cuda
}  // namespace srt
