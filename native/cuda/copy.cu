// CUDA twin of cpu/copy.cc: Identity and Reshape are a byte copy; Y's dims come from the plan and
// must hold as many elements as X. The copy is a device-to-device cudaMemcpyAsync on the run's
// stream (graph-capturable), skipped when X and Y share storage (an in-place Reshape).
#include <string>

#include "cuda/cuda_util.h"

namespace srt {
namespace {

std::string supports_copy(const NodeSig& s) {
  return cpu::require_unary_any_type(s);
}

void copy(const KernelCall& c, const char* name) {
  const Tensor& X = cpu::input(c, 0, name);
  Tensor& Y = cpu::output(c, 0, name);
  if (X.dtype != Y.dtype) cpu::fail_plan(std::string(name) + ": input and output types differ");
  cpu::require_same_numel(X, Y, name);
  const size_t bytes = Y.nbytes();
  if (bytes == 0 || X.data == Y.data) return;
  const cudaError_t e = cudaMemcpyAsync(Y.data, X.data, bytes, cudaMemcpyDeviceToDevice, cuda::stream_of(c));
  if (e != cudaSuccess)
    throw Error(kErrDevice, std::string(name) + ": device copy failed: " + cudaGetErrorString(e));
}

void run_identity(const KernelCall& c) { copy(c, "Identity"); }
void run_reshape(const KernelCall& c) { copy(c, "Reshape"); }

}  // namespace

SRT_KERNEL("Identity", CUDA, supports_copy, run_identity);
SRT_KERNEL("Reshape", CUDA, supports_copy, run_reshape);

}  // namespace srt
