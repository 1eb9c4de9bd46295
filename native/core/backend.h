// A device executor behind Engine (CUDA today): it owns the device copies of the weights and of
// each plan's constants, and runs plans on the device. The CPU path needs none of this and stays
// in engine.cc.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "plan.h"

namespace srt {

struct EngineOptions;

class DeviceBackend {
 public:
  virtual ~DeviceBackend() = default;
  // Copies weight `id` to the device (once, at load).
  virtual void set_weight(int32_t id, const void* data, size_t bytes) = 0;
  // Uploads what `plan` needs on the device (its constants) and returns that state; Engine keeps
  // it in the Plan, and it dies with the plan.
  virtual std::shared_ptr<void> prepare(const Plan& plan) = 0;
  // Runs a compiled, prepared plan: feeds and outputs are host buffers of the sizes the plan says.
  virtual void run(const Plan& plan, const std::vector<const void*>& feeds, const std::vector<void*>& outputs) = 0;
};

// Defined in native/cuda/executor.cu; native/core/no_cuda.cc defines it (throwing ERR_DEVICE) in
// builds without CUDA.
std::unique_ptr<DeviceBackend> make_cuda_backend(const EngineOptions& options);

}  // namespace srt
