// One Engine per loaded model: its device, weights (copied in once at load), what kernels prepared
// from them (packed GEMM operands), compiled plans and a small pool of run states (arena, tensor
// table, scratch) so that concurrent runs never share memory and warm runs allocate nothing. On CUDA the weights,
// arenas and runs live in a DeviceBackend (native/cuda/executor.cu).
#pragma once
#include <atomic>
#include <cstdint>
#include <map>
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
  ~Engine();
  const EngineOptions& options() const { return options_; }

  // Copies `bytes` into engine-owned memory as weight `id` (ids are dense, from 0). Weights are
  // set before the plans that read them are compiled (replacing one drops what was prepared from it,
  // but not from plans already compiled).
  void set_weight(int32_t id, DType dtype, const Dims& dims, const void* data, size_t bytes);
  size_t weight_count() const { return weights_.size(); }

  // Why `sig` cannot run here ("" when it can).
  std::string supports(const NodeSig& sig) const;

  // Validates a plan (ids, sizes, storage bounds, kernels), binds kernels and (CPU) calls their
  // prepare hooks. Safe to call while other plans run.
  std::shared_ptr<const Plan> compile(PlanDesc desc) const;

  // Runs a compiled plan. Feeds and outputs are host buffers owned by the caller, checked
  // against the plan's byte sizes. Safe to call from several threads at once. On the CPU, once
  // warmed up (a run of the same plan, or of plans no larger, has finished before) the engine
  // allocates nothing here: each run takes a RunState (arena, tensor table, scratch) from a pool.
  void run(const Plan& plan, const std::vector<const void*>& feeds, const std::vector<size_t>& feed_bytes,
           const std::vector<void*>& outputs, const std::vector<size_t>& output_bytes);

  // Whether runs belong on the thread pool's lead thread (post_to_lead): on the CPU with several
  // threads. Short-lived threads (libuv's) land on whichever core the scheduler picks, at times the
  // one a pool worker is spinning on, and a multi-threaded run then takes up to twice as long; and
  // a run posted to the lead from JavaScript saves two thread wake-ups (CrabNet at batch 1 -13%,
  // GMM at batch 64 on a worker -9%, against the lead for runs of 250 us and more only).
  bool runs_on_lead() const;
  void post_to_lead(LeadTask* task);
  // run(), timed in microseconds.
  double run_timed(const Plan& plan, const std::vector<const void*>& feeds, const std::vector<size_t>& feed_bytes,
                   const std::vector<void*>& outputs, const std::vector<size_t>& output_bytes);

 private:
  struct RunState;
  std::unique_ptr<RunState> take_state(uint64_t plan_id);
  void give_state(std::unique_ptr<RunState> state);

  // Prepared objects by (weight id, key), shared by the plans of every shape.
  class Prepared final : public PrepareCache {
   public:
    std::shared_ptr<const void> get(int32_t weight, const std::string& key,
                                    FunctionRef<std::shared_ptr<const void>()> make) override;
    void forget(int32_t weight);

   private:
    std::mutex mutex_;
    std::map<std::pair<int32_t, std::string>, std::shared_ptr<const void>> items_;
  };

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
  mutable Prepared prepared_;
  std::mutex states_mutex_;
  std::vector<std::unique_ptr<RunState>> free_states_;  // capacity reserved: giving back never allocates
  uint64_t state_clock_ = 0;                            // for least-recently-used reuse
};

}  // namespace srt
