// What a kernel is: a `supports` predicate and a `run` function, registered per (operator, device)
// by the file that defines it (see native/README.md for the recipe). Kernels never see N-API.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "attrs.h"
#include "error.h"
#include "tensor.h"

namespace srt {

class ThreadPool;

// A non-owning reference to a callable (a lambda, usually): what parallel_for takes, so that
// handing work to the pool never copies the callable or allocates. The callable must outlive the
// call it is passed to (a temporary lambda argument does).
template <class Sig> class FunctionRef;
template <class R, class... A>
class FunctionRef<R(A...)> {
 public:
  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, FunctionRef> &&
                                              std::is_invocable_r_v<R, F&, A...>>>
  FunctionRef(F&& f)  // NOLINT: implicit, like std::function
      : obj_(const_cast<void*>(static_cast<const void*>(std::addressof(f)))),
        call_([](void* o, A... a) -> R {
          return (*static_cast<std::remove_reference_t<F>*>(o))(std::forward<A>(a)...);
        }) {}
  R operator()(A... a) const { return call_(obj_, std::forward<A>(a)...); }

 private:
  void* obj_;
  R (*call_)(void*, A...);
};
using RangeFn = FunctionRef<void(int64_t, int64_t)>;

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
  ExecContext(const ExecContext&) = delete;
  ExecContext& operator=(const ExecContext&) = delete;
  int threads() const;
  // Scratch memory valid until the next call to scratch() in this run; 64-byte aligned (on the
  // CPU it is kept across runs, so it only allocates when a request outgrows it). On a
  // device it is device memory, 256-byte aligned, and requests must not grow once a plan has run
  // once (a run being captured into a CUDA graph cannot allocate).
  void* scratch(size_t bytes);
  // The device context of a CUDA run (nullptr on the CPU).
  const DeviceContext* device() const { return device_; }
  // Runs fn(begin, end) over [0, n) in chunks, on the engine's threads; fn must be thread-safe.
  // `work`, when given, estimates the whole range's cost in elementary operations (multiply-adds,
  // elements touched): below kMinParallelWork the range runs on the calling thread, since waking
  // the pool costs microseconds. Neither this nor the pool allocates.
  void parallel_for(int64_t n, RangeFn fn, int64_t work = -1);
  static constexpr int64_t kMinParallelWork = int64_t(1) << 15;
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

// What a kernel's run function gets. in[i] is nullptr for an absent optional input. `prepared`
// is what the kernel's prepare hook returned for this node (nullptr without one).
struct KernelCall {
  const Attrs& attrs;
  const std::vector<const Tensor*>& in;
  const std::vector<Tensor*>& out;
  ExecContext& ctx;
  const void* prepared = nullptr;
};

// Where prepared objects derived from weights are kept: one per (weight, key) for the engine's
// lifetime, so that the plans of every input shape share them. Implemented by the Engine.
class PrepareCache {
 public:
  virtual std::shared_ptr<const void> get(int32_t weight, const std::string& key,
                                          FunctionRef<std::shared_ptr<const void>()> make) = 0;

 protected:
  ~PrepareCache() = default;
};

// What a kernel's prepare hook gets: once per node, when a CPU engine compiles a plan (on the
// compiling thread, while other plans may be running). in[i] has the input's dtype and dims, and
// its data where the input is constant (a weight or a plan constant), else nullptr; an absent
// optional input has DType::Undefined. out[i] has dtype and dims only.
struct PrepareCall {
  const Attrs& attrs;
  const std::vector<Tensor>& in;
  const std::vector<Tensor>& out;
  const std::vector<int32_t>& weight;  // per input: its weight id, or -1
  PrepareCache& cache;
  // make()'s result for input `input` under `key` (which must name everything make() depends on
  // beyond the weight's contents): built once per engine when the input is a weight, else (a plan
  // constant) built for this plan.
  std::shared_ptr<const void> shared(size_t input, const std::string& key,
                                     FunctionRef<std::shared_ptr<const void>()> make) const {
    if (input < weight.size() && weight[input] >= 0) return cache.get(weight[input], key, make);
    return make();
  }
};

using SupportsFn = std::string (*)(const NodeSig&);  // "" when supported, else why not
using RunFn = void (*)(const KernelCall&);
// Optional: derives from a node's constant inputs (weights) what its runs can reuse, e.g. a matrix
// packed for the GEMM micro-kernel; the Plan keeps the result and hands it to every run as
// KernelCall::prepared. nullptr when there is nothing to prepare. Must be deterministic.
using PrepareFn = std::shared_ptr<const void> (*)(const PrepareCall&);

struct KernelDef {
  const char* op;
  Device device;
  SupportsFn supports;
  RunFn run;
  PrepareFn prepare = nullptr;  // CPU only; CUDA kernels have none
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
// The same with a prepare hook:  SRT_KERNEL_PREPARED("Gemm", CPU, supports_gemm, run_gemm, prepare_gemm);
#define SRT_KERNEL_PREPARED(OP, DEVICE, SUPPORTS, RUN, PREPARE)          \
  static const bool SRT_CONCAT(srt_kernel_registered_, __LINE__) =       \
      ::srt::register_kernel(::srt::KernelDef{OP, ::srt::Device::DEVICE, SUPPORTS, RUN, PREPARE})

// Helpers for predicates: "" when every listed input/output has one of `types`.
std::string require_types(const NodeSig& sig, std::initializer_list<DType> types, bool outputs_too = true);
std::string require_rank(const NodeSig& sig, int input, int min_rank, int max_rank);

}  // namespace srt
