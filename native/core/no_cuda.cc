// What the CUDA backend's entry points do in a build without CUDA (nvcc missing, SRT_WITH_CUDA=OFF,
// or the node-gyp build): report why, never pretend. Builds with CUDA compile native/cuda instead.
#include "backend.h"
#include "devices.h"
#include "engine.h"
#include "error.h"

namespace srt {

CudaStatus cuda_status() {
  CudaStatus s;
  s.reason = "not-built";
  s.message = "this build of surrogate-rt was compiled without CUDA (nvcc was not found at build time)";
  return s;
}

std::unique_ptr<DeviceBackend> make_cuda_backend(const EngineOptions&) {
  throw Error(kErrDevice, cuda_status().message);
}

}  // namespace srt
