// A CPU emulator for the subset of CUDA that native/cuda uses (see cuda_shim.h), so that the CUDA
// kernels and executor are compiled by the host compiler and tested in CI, where there is no GPU.
// Each block runs on the calling thread; its threads are fibers (ucontext) switched at
// __syncthreads(), so shared-memory tiling and barriers behave as on a GPU. It is strict where
// CUDA is undefined: a barrier not reached by every thread of a block, a launch configuration
// beyond the hardware limits, and allocation, synchronisation or blocking copies while a stream is
// being captured into a graph are errors. Streams are synchronous; graphs record and replay.
// It checks index math, barriers and capture rules; it does not model warps, memory ordering
// between blocks, timing or tensor cores.
#pragma once
#include <math.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __launch_bounds__(...)
#define __align__(n) alignas(n)
// Shared memory: one copy per OS thread, and a block runs all its fibers on one OS thread.
#define __shared__ static thread_local

struct dim3 {
  unsigned x, y, z;
  constexpr dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};
struct uint3 {
  unsigned x, y, z;
};

// ---- the runtime API subset ------------------------------------------------------------------

enum cudaError_t {
  cudaSuccess = 0,
  cudaErrorInvalidValue = 1,
  cudaErrorMemoryAllocation = 2,
  cudaErrorInvalidConfiguration = 9,
  cudaErrorInsufficientDriver = 35,
  cudaErrorNoDevice = 100,
  cudaErrorIllegalState = 401,
  cudaErrorLaunchFailure = 719,
  cudaErrorStreamCaptureUnsupported = 900,
  cudaErrorStreamCaptureInvalidated = 901,
};
enum cudaMemcpyKind {
  cudaMemcpyHostToHost = 0,
  cudaMemcpyHostToDevice = 1,
  cudaMemcpyDeviceToHost = 2,
  cudaMemcpyDeviceToDevice = 3,
  cudaMemcpyDefault = 4,
};
enum cudaStreamCaptureMode {
  cudaStreamCaptureModeGlobal = 0,
  cudaStreamCaptureModeThreadLocal = 1,
  cudaStreamCaptureModeRelaxed = 2,
};
#define cudaStreamNonBlocking 0x01
typedef struct CUstream_st* cudaStream_t;
typedef struct CUgraph_st* cudaGraph_t;
typedef struct CUgraphExec_st* cudaGraphExec_t;

cudaError_t cudaMalloc(void** ptr, size_t bytes);
cudaError_t cudaFree(void* ptr);
cudaError_t cudaMallocHost(void** ptr, size_t bytes);
cudaError_t cudaFreeHost(void* ptr);
template <class T>
cudaError_t cudaMalloc(T** ptr, size_t bytes) { return cudaMalloc(reinterpret_cast<void**>(ptr), bytes); }
template <class T>
cudaError_t cudaMallocHost(T** ptr, size_t bytes) { return cudaMallocHost(reinterpret_cast<void**>(ptr), bytes); }
cudaError_t cudaMemcpy(void* dst, const void* src, size_t bytes, cudaMemcpyKind kind);
cudaError_t cudaMemcpyAsync(void* dst, const void* src, size_t bytes, cudaMemcpyKind kind, cudaStream_t stream = nullptr);
cudaError_t cudaMemsetAsync(void* dst, int value, size_t bytes, cudaStream_t stream = nullptr);
cudaError_t cudaStreamCreateWithFlags(cudaStream_t* stream, unsigned flags);
cudaError_t cudaStreamDestroy(cudaStream_t stream);
cudaError_t cudaStreamSynchronize(cudaStream_t stream);
cudaError_t cudaDeviceSynchronize();
cudaError_t cudaStreamBeginCapture(cudaStream_t stream, cudaStreamCaptureMode mode);
cudaError_t cudaStreamEndCapture(cudaStream_t stream, cudaGraph_t* graph);
cudaError_t cudaGraphInstantiate(cudaGraphExec_t* exec, cudaGraph_t graph, unsigned long long flags = 0);
cudaError_t cudaGraphLaunch(cudaGraphExec_t exec, cudaStream_t stream);
cudaError_t cudaGraphDestroy(cudaGraph_t graph);
cudaError_t cudaGraphExecDestroy(cudaGraphExec_t exec);
cudaError_t cudaGetLastError();
cudaError_t cudaPeekAtLastError();
const char* cudaGetErrorString(cudaError_t error);
cudaError_t cudaSetDevice(int device);
cudaError_t cudaGetDevice(int* device);
cudaError_t cudaMemGetInfo(size_t* free_bytes, size_t* total_bytes);

// ---- device-side built-ins -------------------------------------------------------------------

inline float rsqrtf(float x) { return 1.0f / sqrtf(x); }
inline float __expf(float x) { return expf(x); }
inline float __logf(float x) { return logf(x); }
inline float __fdividef(float a, float b) { return a / b; }
inline float __saturatef(float x) { return x < 0.0f ? 0.0f : (x > 1.0f ? 1.0f : x); }
// Blocks of one launch run one after another on one OS thread: plain read-modify-write is atomic.
inline int atomicAdd(int* p, int v) { int o = *p; *p = o + v; return o; }
inline unsigned atomicAdd(unsigned* p, unsigned v) { unsigned o = *p; *p = o + v; return o; }
inline float atomicAdd(float* p, float v) { float o = *p; *p = o + v; return o; }
inline int atomicCAS(int* p, int compare, int v) { int o = *p; if (o == compare) *p = v; return o; }
inline int atomicMax(int* p, int v) { int o = *p; if (v > o) *p = v; return o; }
inline int atomicMin(int* p, int v) { int o = *p; if (v < o) *p = v; return o; }
inline int atomicOr(int* p, int v) { int o = *p; *p = o | v; return o; }
inline int atomicExch(int* p, int v) { int o = *p; *p = v; return o; }
inline void __threadfence() {}

namespace srt {
namespace emu {

struct ThreadState {
  uint3 thread{0, 0, 0}, block{0, 0, 0};
  dim3 block_dim, grid_dim;
};
ThreadState& current();
void syncthreads();
void* dynamic_shared();
// Runs (or, while `stream` is being captured, records) body() once per thread of the grid.
void launch(dim3 grid, dim3 block, size_t shared_bytes, cudaStream_t stream, std::function<void()> body);

template <class F>
struct Launcher {
  dim3 grid, block;
  size_t shared_bytes;
  cudaStream_t stream;
  F kernel;
  template <class... A>
  void operator()(A... args) const {
    F k = kernel;
    launch(grid, block, shared_bytes, stream, [k, args...]() { k(args...); });
  }
};
template <class F>
Launcher<F> launcher(dim3 grid, dim3 block, size_t shared_bytes, cudaStream_t stream, F kernel) {
  return Launcher<F>{grid, block, shared_bytes, stream, kernel};
}

}  // namespace emu
}  // namespace srt

#define threadIdx (::srt::emu::current().thread)
#define blockIdx (::srt::emu::current().block)
#define blockDim (::srt::emu::current().block_dim)
#define gridDim (::srt::emu::current().grid_dim)
#define __syncthreads() ::srt::emu::syncthreads()
#define SRT_LAUNCH(grid, block, shared_bytes, stream, ...) \
  ::srt::emu::launcher(dim3(grid), dim3(block), static_cast<size_t>(shared_bytes), stream, __VA_ARGS__)
#define SRT_DYNAMIC_SHARED(T, name) T* name = reinterpret_cast<T*>(::srt::emu::dynamic_shared())
