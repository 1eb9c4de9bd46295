// What a kernel is: a `supports` predicate and a `run` function, registered per (operator, device)
// by the file that defines it (see native/README.md for the recipe). Kernels never see N-API.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "attrs.h"
#include "error.h"
#include "tensor.h"

namespace srt {

class ThreadPool;

// What a CUDA kernel's run function gets beyond its tensors (whose data are then device pointers):
// the stream to launch on, a device word to report bad input data through, and the precision mode.
// Run functions only enqueue work on `stream` (no allocation, no synchronisation): the executor
// may be capturing the run into a CUDA graph.
struct DeviceContext {
  void* stream = nullptr;          // cudaStream_t
  int32_t* error_word = nullptr;   // device int32: a kernel that finds bad data (an index out of range)
                                   // stores error_code there with atomicCAS(error_word, 0, error_code)
  int32_t error_code = 0;          // the running node's index + 1, so the executor can name it
  bool tf32 = false;               // may matrix products use TF32 tensor cores?
  void* (*scratch)(void* owner, size_t bytes) = nullptr;  // device scratch (see ExecContext::scratch)
  void* owner = nullptr;
};

// Per-run services for kernels: scratch memory, the engine's thread pool (CPU) or the device
// context (CUDA).
class ExecContext {
 public:
  explicit ExecContext(ThreadPool* pool = nullptr) : pool_(pool) {}
  explicit ExecContext(const DeviceContext* device) : device_(device) {}
  int threads() const;
  // Scratch memory valid until the next call to scratch() in this run; 64-byte aligned. On a
  // device it is device memory, 256-byte aligned, and requests must not grow once a plan has run
  // once (a run being captured into a CUDA graph cannot allocate).
  void* scratch(size_t bytes);
  // The device context of a CUDA run (nullptr on the CPU).
  const DeviceContext* device() const { return device_; }
  // Runs fn(begin, end) over [0, n) in chunks, on the engine's threads; fn must be thread-safe.
  void parallel_for(int64_t n, const std::function<void(int64_t, int64_t)>& fn);
  ~ExecContext();

 private:
  ThreadPool* pool_ = nullptr;
  const DeviceContext* device_ = nullptr;
  void* scratch_ = nullptr;
  size_t scratch_bytes_ = 0;
};

// What a supports predicate sees: the operator, its resolved attributes and the element
// types and ranks of its inputs and outputs (absent optional inputs have DType::Undefined).
struct NodeSig {
  const std::string& op;
  const Attrs& attrs;
  std::vector<DType> in_types;
  std::vector<int> in_ranks;
  std::vector<DType> out_types;
  std::vector<int> out_ranks;
};

// What a kernel's run function gets. in[i] is nullptr for an absent optional input.
struct KernelCall {
  const Attrs& attrs;
  std::vector<const Tensor*> in;
  std::vector<Tensor*> out;
  ExecContext& ctx;
};

using SupportsFn = std::string (*)(const NodeSig&);  // "" when supported, else why not
using RunFn = void (*)(const KernelCall&);

struct KernelDef {
  const char* op;
  Device device;
  SupportsFn supports;
  RunFn run;
};

bool register_kernel(const KernelDef& def);
// The kernels registered for `op` on `device` (several may exist, e.g. one per type family);
// find_kernel returns the first whose predicate accepts `sig`, or nullptr with `why` filled in.
const KernelDef* find_kernel(const NodeSig& sig, Device device, std::string* why);
std::vector<std::string> registered_ops(Device device);

#define SRT_CONCAT_INNER(a, b) a##b
#define SRT_CONCAT(a, b) SRT_CONCAT_INNER(a, b)
// Registers a kernel from the file that defines it:  SRT_KERNEL("Relu", CPU, supports_unary, run_relu);
#define SRT_KERNEL(OP, DEVICE, SUPPORTS, RUN)                            \
  static const bool SRT_CONCAT(srt_kernel_registered_, __LINE__) =       \
      ::srt::register_kernel(::srt::KernelDef{OP, ::srt::Device::DEVICE, SUPPORTS, RUN})

// Helpers for predicates: "" when every listed input/output has one of `types`.
std::string require_types(const NodeSig& sig, std::initializer_list<DType> types, bool outputs_too = true);
std::string require_rank(const NodeSig& sig, int input, int min_rank, int max_rank);

}  // namespace srt
