#include "devices.h"

#include <fstream>
#include <thread>

namespace srt {

CpuInfo cpu_info() {
  CpuInfo info;
  info.cores = static_cast<int>(std::thread::hardware_concurrency());
  if (info.cores < 1) info.cores = 1;
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  info.avx2 = __builtin_cpu_supports("avx2");
  info.fma = __builtin_cpu_supports("fma");
  info.avx512f = __builtin_cpu_supports("avx512f");
#elif defined(__aarch64__)
  info.neon = true;
#endif
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) {
      auto colon = line.find(':');
      if (colon != std::string::npos) info.model = line.substr(colon + 2);
      break;
    }
  }
  return info;
}

}  // namespace srt
