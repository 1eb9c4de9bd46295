// One Engine per loaded model: its device, weights (copied in once at load), compiled plans and
// a small pool of arenas so that concurrent runs never share scratch memory. On CUDA the weights,
// arenas and runs live in a DeviceBackend (native/cuda/executor.cu).
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "backend.h"
#include "plan.h"
#include "thread_pool.h"

namespace srt {

struct EngineOptions {
  Device device = Device::CPU;
  int device_index = 0;
  int threads = 1;
  int64_t memory_limit = int64_t(8) << 30;  // bytes; plans needing more are refused before allocation
  bool tf32 = false;         // CUDA: matrix products may use TF32 tensor cores
  bool cuda_graphs = true;   // CUDA: replay each plan from a captured CUDA graph after its first run
  bool poison = false;       // checks: fill the arena and outputs with 0xFF (NaN) before each run,
                             // so memory a kernel fails to write shows up
};

// Aligned heap block; the unit of weight and arena storage.
class Buffer {
 public:
  Buffer() = default;
  explicit Buffer(size_t bytes);
  Buffer(Buffer&&) noexcept;
  Buffer& operator=(Buffer&&) noexcept;
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  ~Buffer();
  void* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  void* data_ = nullptr;
  size_t size_ = 0;
};

class Engine {
 public:
  explicit Engine(const EngineOptions& options);
  const EngineOptions& options() const { return options_; }

  // Copies `bytes` into engine-owned memory as weight `id` (ids are dense, from 0).
  void set_weight(int32_t id, DType dtype, const Dims& dims, const void* data, size_t bytes);
  size_t weight_count() const { return weights_.size(); }

  // Why `sig` cannot run here ("" when it can).
  std::string supports(const NodeSig& sig) const;

  // Validates a plan (ids, sizes, storage bounds, kernels) and binds kernels.
  std::shared_ptr<const Plan> compile(PlanDesc desc) const;

  // Runs a compiled plan. Feeds and outputs are host buffers owned by the caller, checked
  // against the plan's byte sizes. Safe to call from several threads at once.
  void run(const Plan& plan, const std::vector<const void*>& feeds, const std::vector<size_t>& feed_bytes,
           const std::vector<void*>& outputs, const std::vector<size_t>& output_bytes);

 private:
  Buffer take_arena(size_t bytes);
  void give_arena(Buffer arena);

  EngineOptions options_;
  struct Weight {
    DType dtype;
    Dims dims;
    Buffer data;  // host copy (CPU engines only)
    bool present = false;
  };
  std::vector<Weight> weights_;
  std::unique_ptr<DeviceBackend> backend_;  // set when the device is not the CPU
  mutable std::atomic<uint64_t> next_plan_id_{1};
  std::unique_ptr<ThreadPool> pool_;  // this engine's CPU threads (options.threads in all)
  std::mutex arenas_mutex_;
  std::vector<Buffer> free_arenas_;
};

}  // namespace srt
