// What hardware the engine can use: CPU features and CUDA devices (or why there are none).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace srt {

struct CpuInfo {
  std::string model;
  int cores = 1;
  bool avx2 = false, fma = false, avx512f = false, neon = false;
};
CpuInfo cpu_info();

struct CudaDevice {
  int index = 0;
  std::string name;
  int major = 0, minor = 0;
  int64_t total_memory = 0;
  int multiprocessors = 0;
};

struct CudaStatus {
  bool built = false;     // was the addon compiled with the CUDA backend?
  std::string reason;     // "" when usable; else not-built | no-driver | driver-too-old | no-device | error
  std::string message;    // human-readable detail
  int driver_version = 0;   // e.g. 12040 for 12.4; 0 when no driver
  int runtime_version = 0;  // the statically linked runtime
  std::vector<CudaDevice> devices;
};
CudaStatus cuda_status();  // implemented in native/cuda/devices.cu when built with CUDA

}  // namespace srt
