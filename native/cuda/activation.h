// The fused activation of Gemm, Conv and ConvTranspose on the GPU (see cpu/activation.h for the
// attribute and the shared predicate): applied in place to the node's output right after the
// product, one more pass on the stream (graph-capturable), with the standalone operators' math.
#pragma once
#include <cstdint>

#include "cpu/activation.h"
#include "cuda/cuda_shim.h"

namespace srt {
namespace cuda {

void apply_activation(const Activation& a, float* y, int64_t n, cudaStream_t stream);

}  // namespace cuda
}  // namespace srt
