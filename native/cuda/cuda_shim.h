// The one CUDA header every file of native/cuda includes. With nvcc it is the CUDA runtime plus
// two macros; with SRT_CUDA_EMULATE (the test build, compiled by the host C++ compiler) it is the
// CPU emulator in emu/, which runs the very same kernel code so CI can test it without a GPU.
//
// Kernel code uses the CUDA subset both sides support:
//   __global__/__device__/__host__/__forceinline__, threadIdx/blockIdx/blockDim/gridDim,
//   static __shared__ arrays, SRT_DYNAMIC_SHARED for dynamic shared memory, __syncthreads(),
//   atomicAdd/atomicCAS/atomicMax/atomicMin on int32 and atomicAdd on float, the float math of
//   <math.h> (expf, tanhf, erff, ...) plus rsqrtf, and SRT_LAUNCH instead of <<<...>>>:
//       SRT_LAUNCH(grid, block, shared_bytes, stream, my_kernel<float>)(arg1, arg2);
//   No warp intrinsics (__shfl*, __ballot*): reduce through shared memory (cuda_util.h has helpers).
//   Code for tensor cores goes under `#if SRT_CUDA_ARCH >= 800` with a portable fallback.
#pragma once

#ifdef SRT_CUDA_EMULATE
#include "cuda/emu/emu.h"
#define SRT_CUDA_ARCH 0
#else
#include <cuda_runtime.h>
#ifdef __CUDA_ARCH__
#define SRT_CUDA_ARCH __CUDA_ARCH__
#else
#define SRT_CUDA_ARCH 0
#endif
#define SRT_LAUNCH(grid, block, shared_bytes, stream, ...) __VA_ARGS__<<<grid, block, shared_bytes, stream>>>
#define SRT_DYNAMIC_SHARED(T, name)                      \
  extern __shared__ __align__(16) unsigned char srt_dynamic_shared_[]; \
  T* name = reinterpret_cast<T*>(srt_dynamic_shared_)
#endif
