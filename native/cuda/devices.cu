// CUDA device discovery. The runtime is linked statically, so this loads on machines without a
// driver; each failure is turned into a reason the JavaScript side reports (model.deviceReason).
#include "core/devices.h"
#include "cuda/cuda_shim.h"

namespace srt {

#ifdef SRT_CUDA_EMULATE
// The test build: one emulated device that runs the CUDA kernels on the CPU (cuda/emu/).
CudaStatus cuda_status() {
  CudaStatus s;
  s.built = true;
  s.message = "CUDA emulator on the CPU (test build)";
  CudaDevice d;
  d.name = "surrogate-rt CUDA emulator (CPU)";
  d.major = 0;
  d.minor = 0;
  d.total_memory = int64_t(8) << 30;
  d.multiprocessors = 1;
  s.devices.push_back(d);
  return s;
}
#else
CudaStatus cuda_status() {
  CudaStatus s;
  s.built = true;
  cudaRuntimeGetVersion(&s.runtime_version);
  cudaError_t err = cudaDriverGetVersion(&s.driver_version);
  if (err != cudaSuccess || s.driver_version == 0) {
    s.reason = "no-driver";
    s.message = "no NVIDIA driver was found (libcuda.so could not be loaded)";
    return s;
  }
  int count = 0;
  err = cudaGetDeviceCount(&count);
  if (err == cudaErrorInsufficientDriver) {
    s.reason = "driver-too-old";
    s.message = "the NVIDIA driver (" + std::to_string(s.driver_version / 1000) + "." +
                std::to_string(s.driver_version % 1000 / 10) + ") is older than this build's CUDA runtime (" +
                std::to_string(s.runtime_version / 1000) + "." + std::to_string(s.runtime_version % 1000 / 10) + ")";
    return s;
  }
  if (err == cudaErrorNoDevice || (err == cudaSuccess && count == 0)) {
    s.reason = "no-device";
    s.message = "the NVIDIA driver is present but no CUDA device is visible (check CUDA_VISIBLE_DEVICES)";
    cudaGetLastError();
    return s;
  }
  if (err != cudaSuccess) {
    s.reason = "error";
    s.message = std::string("cudaGetDeviceCount failed: ") + cudaGetErrorString(err);
    cudaGetLastError();
    return s;
  }
  for (int i = 0; i < count; ++i) {
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, i) != cudaSuccess) continue;
    CudaDevice d;
    d.index = i;
    d.name = prop.name;
    d.major = prop.major;
    d.minor = prop.minor;
    d.total_memory = static_cast<int64_t>(prop.totalGlobalMem);
    d.multiprocessors = prop.multiProcessorCount;
    s.devices.push_back(d);
  }
  return s;
}
#endif

}  // namespace srt
