// The CUDA executor behind Engine (DeviceBackend): weights uploaded once; per plan its constants
// on the device and a layout of one device region [arena | inputs | outputs | error word] with a
// pinned host mirror of [inputs | outputs | error word]. A run stages the feeds into pinned
// memory, then one copy in, the kernels, and one copy out are enqueued on the slot's own stream,
// and only the final synchronisation waits. Slots (stream + region + staging + scratch + graphs)
// are pooled, so concurrent runs of one model overlap on separate streams and nothing is
// allocated once a slot has seen the largest plan. From a plan's second run on a slot, the whole
// run (copies included) is captured into a CUDA graph and replayed: one launch per run.
#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/backend.h"
#include "core/devices.h"
#include "core/engine.h"
#include "core/error.h"
#include "core/kernel.h"
#include "cuda/cuda_shim.h"

namespace srt {
namespace {

constexpr size_t kAlign = 256;
constexpr size_t kGraphsPerSlot = 16;
size_t align_up(size_t n) { return (n + kAlign - 1) / kAlign * kAlign; }

void check(cudaError_t e, const std::string& what) {
  if (e == cudaSuccess) return;
  cudaGetLastError();
  throw Error(e == cudaErrorMemoryAllocation ? kErrOutOfMemory : kErrDevice, what + ": " + cudaGetErrorString(e));
}

struct DeviceMemory {
  void* ptr = nullptr;
  size_t bytes = 0;
  bool pinned = false;
  explicit DeviceMemory(bool pinned_host = false) : pinned(pinned_host) {}
  DeviceMemory(const DeviceMemory&) = delete;
  DeviceMemory& operator=(const DeviceMemory&) = delete;
  ~DeviceMemory() { release(); }
  void release() {
    if (ptr) pinned ? cudaFreeHost(ptr) : cudaFree(ptr);
    ptr = nullptr;
    bytes = 0;
  }
  // Makes room for `n` bytes; returns true when the memory moved.
  bool reserve(size_t n, const char* what) {
    if (n <= bytes) return false;
    release();
    const size_t want = align_up(std::max<size_t>(n, 1));
    cudaError_t e = pinned ? cudaMallocHost(&ptr, want) : cudaMalloc(&ptr, want);
    if (e != cudaSuccess) {
      ptr = nullptr;
      cudaGetLastError();
      throw Error(kErrOutOfMemory, std::string("could not allocate ") + std::to_string(want) + " bytes of " + what +
                                       ": " + cudaGetErrorString(e));
    }
    bytes = want;
    return true;
  }
};

// Where things are for one plan. Device region: [arena | inputs | outputs | error word];
// host staging: [inputs | outputs | error word] with the same relative order.
struct PlanState {
  DeviceMemory consts;
  std::vector<size_t> const_offsets;
  size_t arena_bytes = 0;
  std::vector<size_t> in_offsets, in_bytes, out_offsets, out_bytes;  // relative to the I/O block
  size_t in_block = 0, out_block = 0;   // bytes of the inputs and of the outputs + error word
  size_t device_bytes = 0, host_bytes = 0;
  bool graph_failed = false;            // capture failed once: run this plan eagerly
};

struct Slot {
  cudaStream_t stream = nullptr;
  DeviceMemory region, staging{true}, scratch;
  bool capturing = false;
  struct Graph {
    uint64_t plan;
    cudaGraphExec_t exec;
    uint64_t used;
  };
  std::vector<Graph> graphs;
  std::vector<uint64_t> seen;  // plans run eagerly once on this slot (recent ones)
  uint64_t clock = 0;

  void drop_graphs() {
    for (Graph& g : graphs) cudaGraphExecDestroy(g.exec);
    graphs.clear();
  }
  ~Slot() {
    if (stream) cudaStreamSynchronize(stream);
    drop_graphs();
    if (stream) cudaStreamDestroy(stream);
  }
};

class CudaBackend : public DeviceBackend {
 public:
  explicit CudaBackend(const EngineOptions& o) : options_(o) {
    CudaStatus s = cuda_status();
    if (!s.reason.empty()) throw Error(kErrDevice, s.message);
    if (o.device_index < 0 || static_cast<size_t>(o.device_index) >= s.devices.size())
      throw Error(kErrDevice, "CUDA device " + std::to_string(o.device_index) + " does not exist (" +
                                  std::to_string(s.devices.size()) + " visible)");
    select();
  }

  ~CudaBackend() override {
    select_quietly();
    slots_.clear();
    for (void* w : weights_)
      if (w) cudaFree(w);
  }

  void set_weight(int32_t id, const void* data, size_t bytes) override {
    select();
    if (static_cast<size_t>(id) >= weights_.size()) weights_.resize(id + 1, nullptr);
    if (weights_[id]) {
      cudaFree(weights_[id]);
      weights_[id] = nullptr;
    }
    void* p = nullptr;
    cudaError_t e = cudaMalloc(&p, align_up(std::max<size_t>(bytes, 1)));
    if (e != cudaSuccess) {
      cudaGetLastError();
      throw Error(kErrOutOfMemory, "could not allocate " + std::to_string(bytes) + " bytes for weight " +
                                       std::to_string(id) + " on the GPU: " + cudaGetErrorString(e));
    }
    weights_[id] = p;
    if (bytes) check(cudaMemcpy(p, data, bytes, cudaMemcpyHostToDevice), "uploading weight " + std::to_string(id));
  }

  std::shared_ptr<void> prepare(const Plan& plan) override {
    select();
    const PlanDesc& d = plan.desc;
    auto st = std::make_shared<PlanState>();
    size_t total = 0;
    for (const auto& c : d.consts) {
      st->const_offsets.push_back(total);
      total += align_up(c.size());
    }
    if (total) {
      st->consts.reserve(total, "plan constants");
      for (size_t i = 0; i < d.consts.size(); ++i)
        if (!d.consts[i].empty())
          check(cudaMemcpy(static_cast<uint8_t*>(st->consts.ptr) + st->const_offsets[i], d.consts[i].data(),
                           d.consts[i].size(), cudaMemcpyHostToDevice),
                "uploading plan constants");
    }
    auto bytes_of = [&](int32_t id) {
      return static_cast<size_t>(numel(d.tensors[id].dims)) * dtype_size(d.tensors[id].dtype);
    };
    st->arena_bytes = align_up(static_cast<size_t>(d.arena_bytes));
    size_t off = 0;
    for (int32_t id : d.inputs) {
      st->in_offsets.push_back(off);
      st->in_bytes.push_back(bytes_of(id));
      off += align_up(bytes_of(id));
    }
    st->in_block = off;
    off = 0;
    for (int32_t id : d.outputs) {
      st->out_offsets.push_back(off);
      st->out_bytes.push_back(bytes_of(id));
      off += align_up(bytes_of(id));
    }
    st->out_offsets.push_back(off);  // the error word
    st->out_block = off + kAlign;
    st->host_bytes = st->in_block + st->out_block;
    st->device_bytes = st->arena_bytes + st->host_bytes;
    if (static_cast<int64_t>(st->device_bytes + total) > options_.memory_limit)
      throw Error(kErrMemoryLimit, "the plan needs " + std::to_string(st->device_bytes + total) +
                                       " bytes of GPU memory, over the memory limit of " +
                                       std::to_string(options_.memory_limit) + " bytes");
    return st;
  }

  void run(const Plan& plan, const std::vector<const void*>& feeds, const std::vector<void*>& outputs) override {
    select();
    auto* st = static_cast<PlanState*>(plan.device_state.get());
    if (!st) throw Error(kErrInternal, "the plan was not prepared for the GPU");
    std::unique_ptr<Slot> slot = take_slot();
    try {
      run_on(*slot, plan, *st, feeds, outputs);
    } catch (...) {
      // The slot's stream may hold half a run: wait for it before anyone reuses its memory.
      cudaStreamSynchronize(slot->stream);
      cudaGetLastError();
      give_slot(std::move(slot));
      throw;
    }
    give_slot(std::move(slot));
  }

 private:
  void select() { check(cudaSetDevice(options_.device_index), "selecting CUDA device " + std::to_string(options_.device_index)); }
  void select_quietly() {
    cudaSetDevice(options_.device_index);
    cudaGetLastError();
  }

  std::unique_ptr<Slot> take_slot() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!slots_.empty()) {
        std::unique_ptr<Slot> s = std::move(slots_.back());
        slots_.pop_back();
        return s;
      }
    }
    auto s = std::make_unique<Slot>();
    check(cudaStreamCreateWithFlags(&s->stream, cudaStreamNonBlocking), "creating a CUDA stream");
    return s;
  }
  void give_slot(std::unique_ptr<Slot> s) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (slots_.size() < 8) slots_.push_back(std::move(s));
  }

  static void* scratch_of(void* owner, size_t bytes) {
    Slot& s = *static_cast<Slot*>(owner);
    if (bytes <= s.scratch.bytes) return s.scratch.ptr;
    if (s.capturing)
      throw Error(kErrInternal, "a kernel asked for more scratch memory while its run was being captured");
    check(cudaStreamSynchronize(s.stream), "waiting for the GPU");
    s.drop_graphs();  // they point at the old scratch
    s.scratch.reserve(bytes, "GPU scratch memory");
    return s.scratch.ptr;
  }

  // Binds the plan's tensors to device memory of this slot.
  std::vector<Tensor> bind(const Plan& plan, const PlanState& st, Slot& s) {
    const PlanDesc& d = plan.desc;
    uint8_t* region = static_cast<uint8_t*>(s.region.ptr);
    uint8_t* io = region + st.arena_bytes;
    std::vector<Tensor> tensors(d.tensors.size());
    for (size_t id = 0; id < d.tensors.size(); ++id) {
      const TensorDesc& t = d.tensors[id];
      Tensor& x = tensors[id];
      x.dtype = t.dtype;
      x.dims = t.dims;
      x.device = Device::CUDA;
      switch (t.storage) {
        case Storage::Arena: x.data = region + t.offset; break;
        case Storage::Weight: x.data = weights_[t.index]; break;
        case Storage::Input: x.data = io + st.in_offsets[t.index]; break;
        case Storage::Output: x.data = io + st.in_block + st.out_offsets[t.index]; break;
        case Storage::Const: x.data = static_cast<uint8_t*>(st.consts.ptr) + st.const_offsets[t.index]; break;
      }
    }
    return tensors;
  }

  // Enqueues one whole run on the slot's stream: copy in, every node, copy out.
  void enqueue(const Plan& plan, const PlanState& st, Slot& s, std::vector<Tensor>& tensors) {
    const PlanDesc& d = plan.desc;
    uint8_t* io = static_cast<uint8_t*>(s.region.ptr) + st.arena_bytes;
    uint8_t* host = static_cast<uint8_t*>(s.staging.ptr);
    int32_t* error_word = reinterpret_cast<int32_t*>(io + st.in_block + st.out_offsets.back());
    if (st.in_block) check(cudaMemcpyAsync(io, host, st.in_block, cudaMemcpyHostToDevice, s.stream), "copying inputs to the GPU");
    if (options_.poison) {  // arena and outputs to 0xFF (NaN): what a kernel fails to write shows
      check(cudaMemsetAsync(s.region.ptr, 0xFF, st.arena_bytes, s.stream), "poisoning the arena");
      check(cudaMemsetAsync(io + st.in_block, 0xFF, st.out_block, s.stream), "poisoning the outputs");
    }
    check(cudaMemsetAsync(error_word, 0, sizeof(int32_t), s.stream), "clearing the error word");
    DeviceContext dev;
    dev.stream = s.stream;
    dev.error_word = error_word;
    dev.tf32 = options_.tf32;
    dev.scratch = &CudaBackend::scratch_of;
    dev.owner = &s;
    for (size_t i = 0; i < d.nodes.size(); ++i) {
      const NodeDesc& node = d.nodes[i];
      dev.error_code = static_cast<int32_t>(i + 1);
      ExecContext ctx(&dev);
      std::vector<const Tensor*> in;
      std::vector<Tensor*> out;
      for (int32_t id : node.inputs) in.push_back(id < 0 ? nullptr : &tensors[id]);
      for (int32_t id : node.outputs) out.push_back(&tensors[id]);
      plan.kernels[i]->run(KernelCall{node.attrs, in, out, ctx});
      cudaError_t e = cudaGetLastError();
      if (e != cudaSuccess) throw Error(kErrDevice, node.op + " (node " + std::to_string(i) + "): " + cudaGetErrorString(e));
    }
    check(cudaMemcpyAsync(host + st.in_block, io + st.in_block, st.out_block, cudaMemcpyDeviceToHost, s.stream),
          "copying outputs from the GPU");
  }

  cudaGraphExec_t find_graph(Slot& s, uint64_t plan) {
    for (Slot::Graph& g : s.graphs)
      if (g.plan == plan) {
        g.used = ++s.clock;
        return g.exec;
      }
    return nullptr;
  }

  // Captures one run into a graph; nullptr (and the plan marked) when capture fails.
  cudaGraphExec_t capture(const Plan& plan, PlanState& st, Slot& s, std::vector<Tensor>& tensors) {
    check(cudaStreamBeginCapture(s.stream, cudaStreamCaptureModeThreadLocal), "starting a CUDA graph capture");
    s.capturing = true;
    cudaGraph_t graph = nullptr;
    try {
      enqueue(plan, st, s, tensors);
    } catch (...) {
      s.capturing = false;
      cudaStreamEndCapture(s.stream, &graph);
      if (graph) cudaGraphDestroy(graph);
      cudaGetLastError();
      st.graph_failed = true;
      return nullptr;
    }
    s.capturing = false;
    cudaError_t e = cudaStreamEndCapture(s.stream, &graph);
    cudaGraphExec_t exec = nullptr;
    if (e == cudaSuccess) e = cudaGraphInstantiate(&exec, graph, 0);
    if (graph) cudaGraphDestroy(graph);
    if (e != cudaSuccess) {
      cudaGetLastError();
      st.graph_failed = true;
      return nullptr;
    }
    if (s.graphs.size() >= kGraphsPerSlot) {
      auto lru = std::min_element(s.graphs.begin(), s.graphs.end(),
                                  [](const Slot::Graph& a, const Slot::Graph& b) { return a.used < b.used; });
      cudaGraphExecDestroy(lru->exec);
      s.graphs.erase(lru);
    }
    s.graphs.push_back(Slot::Graph{plan.id, exec, ++s.clock});
    return exec;
  }

  void run_on(Slot& s, const Plan& plan, PlanState& st, const std::vector<const void*>& feeds,
              const std::vector<void*>& outputs) {
    // Room for this plan; memory that moves invalidates the slot's graphs.
    const bool moved_region = s.region.reserve(st.device_bytes, "GPU memory for the run");
    const bool moved_staging = s.staging.reserve(st.host_bytes, "pinned host memory for the run");
    if (moved_region || moved_staging) s.drop_graphs();

    uint8_t* host = static_cast<uint8_t*>(s.staging.ptr);
    for (size_t i = 0; i < feeds.size(); ++i)
      if (st.in_bytes[i]) std::memcpy(host + st.in_offsets[i], feeds[i], st.in_bytes[i]);

    cudaGraphExec_t exec = options_.cuda_graphs ? find_graph(s, plan.id) : nullptr;
    if (!exec) {
      std::vector<Tensor> tensors = bind(plan, st, s);
      const bool seen = std::find(s.seen.begin(), s.seen.end(), plan.id) != s.seen.end();
      if (options_.cuda_graphs && seen && !st.graph_failed) exec = capture(plan, st, s, tensors);
      if (!exec) {
        enqueue(plan, st, s, tensors);
        if (!seen) {
          if (s.seen.size() >= 64) s.seen.erase(s.seen.begin());
          s.seen.push_back(plan.id);
        }
      }
    }
    if (exec) check(cudaGraphLaunch(exec, s.stream), "launching the CUDA graph");
    check(cudaStreamSynchronize(s.stream), "running on the GPU");

    int32_t code = 0;
    std::memcpy(&code, host + st.in_block + st.out_offsets.back(), sizeof code);
    if (code != 0) {
      const size_t node = static_cast<size_t>(code - 1);
      const std::string op = node < plan.desc.nodes.size() ? plan.desc.nodes[node].op : "?";
      throw Error(kErrInvalidInput, op + " (node " + std::to_string(node) + "): an index input is out of range");
    }
    for (size_t i = 0; i < outputs.size(); ++i)
      if (st.out_bytes[i]) std::memcpy(outputs[i], host + st.in_block + st.out_offsets[i], st.out_bytes[i]);
  }

  EngineOptions options_;
  std::vector<void*> weights_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Slot>> slots_;
};

}  // namespace

std::unique_ptr<DeviceBackend> make_cuda_backend(const EngineOptions& options) {
  return std::make_unique<CudaBackend>(options);
}

}  // namespace srt
