#include "engine.h"

#include <chrono>
#include <cstdlib>
#include <cstring>

namespace srt {

Buffer::Buffer(size_t bytes) : size_(bytes) {
  if (bytes == 0) return;
  data_ = std::aligned_alloc(64, (bytes + 63) / 64 * 64);
  if (!data_) throw Error(kErrOutOfMemory, "could not allocate " + std::to_string(bytes) + " bytes");
}
Buffer::Buffer(Buffer&& o) noexcept : data_(o.data_), size_(o.size_) {
  o.data_ = nullptr;
  o.size_ = 0;
}
Buffer& Buffer::operator=(Buffer&& o) noexcept {
  if (this != &o) {
    std::free(data_);
    data_ = o.data_;
    size_ = o.size_;
    o.data_ = nullptr;
    o.size_ = 0;
  }
  return *this;
}
Buffer::~Buffer() { std::free(data_); }

// What one CPU run works in, taken from the engine's pool for the run's duration: the arena, the
// tensor table of the plan it was last laid out for (only the data pointers change between runs
// of that plan), each node's input/output lists and the kernels' scratch memory.
struct Engine::RunState {
  explicit RunState(ThreadPool* pool) : ctx(pool) {}
  uint64_t plan = 0;  // id of the plan the tables below describe (0: none)
  uint64_t used = 0;  // when it was last given back
  Buffer arena;
  std::vector<Tensor> tensors;
  std::vector<std::vector<const Tensor*>> in;  // per node
  std::vector<std::vector<Tensor*>> out;       // per node
  ExecContext ctx;
};

namespace {
constexpr size_t kMaxFreeStates = 4;
}

Engine::Engine(const EngineOptions& options) : options_(options) {
  free_states_.reserve(kMaxFreeStates);
  if (options_.threads < 1 || options_.threads > 1024) throw Error(kErrInvalidPlan, "threads must be between 1 and 1024");
  if (options_.device == Device::CUDA) {
    backend_ = make_cuda_backend(options_);
  } else if (options_.device != Device::CPU) {
    throw Error(kErrDevice, "unknown device " + std::to_string(static_cast<int>(options_.device)));
  } else {
    pool_ = std::make_unique<ThreadPool>(options_.threads);
  }
}

Engine::~Engine() = default;

std::shared_ptr<const void> Engine::Prepared::get(int32_t weight, const std::string& key,
                                                  FunctionRef<std::shared_ptr<const void>()> make) {
  // Built under the lock: a second compile wanting the same object waits instead of building it too.
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = items_.find({weight, key});
  if (it != items_.end()) return it->second;
  std::shared_ptr<const void> made = make();
  items_.emplace(std::make_pair(weight, key), made);
  return made;
}

void Engine::Prepared::forget(int32_t weight) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = items_.lower_bound({weight, std::string()}); it != items_.end() && it->first.first == weight;)
    it = items_.erase(it);
}

void Engine::set_weight(int32_t id, DType dtype, const Dims& dims, const void* data, size_t bytes) {
  if (id < 0) throw Error(kErrInvalidPlan, "weight id must be non-negative");
  if (dtype_size(dtype) == 0) throw Error(kErrInvalidPlan, "weight " + std::to_string(id) + " has an unknown element type");
  for (int64_t d : dims)
    if (d < 0) throw Error(kErrInvalidPlan, "weight " + std::to_string(id) + " has a negative dimension");
  if (static_cast<size_t>(numel(dims)) * dtype_size(dtype) != bytes)
    throw Error(kErrInvalidPlan, "weight " + std::to_string(id) + " has " + std::to_string(bytes) +
                                     " bytes, its shape needs " + std::to_string(numel(dims) * dtype_size(dtype)));
  if (static_cast<size_t>(id) >= weights_.size()) weights_.resize(id + 1);
  prepared_.forget(id);
  if (backend_) {
    backend_->set_weight(id, data, bytes);
    weights_[id] = Weight{dtype, dims, Buffer(), true};
    return;
  }
  Weight w{dtype, dims, Buffer(bytes), true};
  if (bytes) std::memcpy(w.data.data(), data, bytes);
  weights_[id] = std::move(w);
}

std::string Engine::supports(const NodeSig& sig) const {
  std::string why;
  return find_kernel(sig, options_.device, &why) ? "" : why;
}

static std::string tensor_label(size_t id) { return "tensor " + std::to_string(id); }

std::shared_ptr<const Plan> Engine::compile(PlanDesc desc) const {
  auto plan = std::make_shared<Plan>();
  const size_t n = desc.tensors.size();
  if (desc.arena_bytes < 0) throw Error(kErrInvalidPlan, "negative arena size");
  int64_t total = desc.arena_bytes;
  for (size_t id = 0; id < n; ++id) {
    const TensorDesc& t = desc.tensors[id];
    if (dtype_size(t.dtype) == 0) throw Error(kErrInvalidPlan, tensor_label(id) + " has an unknown element type");
    int64_t count = 1;
    for (int64_t d : t.dims) {
      if (d < 0) throw Error(kErrInvalidPlan, tensor_label(id) + " has a negative dimension");
      if (d > 0 && count > (int64_t(1) << 52) / d) throw Error(kErrMemoryLimit, tensor_label(id) + " is too large");
      count *= d;
    }
    const int64_t bytes = count * static_cast<int64_t>(dtype_size(t.dtype));
    switch (t.storage) {
      case Storage::Arena:
        if (t.offset < 0 || t.offset % 64 != 0 || t.offset + bytes > desc.arena_bytes)
          throw Error(kErrInvalidPlan, tensor_label(id) + " lies outside the arena");
        break;
      case Storage::Weight: {
        if (t.index < 0 || static_cast<size_t>(t.index) >= weights_.size() || !weights_[t.index].present)
          throw Error(kErrInvalidPlan, tensor_label(id) + " names a missing weight");
        const Weight& w = weights_[t.index];
        if (w.dtype != t.dtype || w.dims != t.dims)
          throw Error(kErrInvalidPlan, tensor_label(id) + " does not match weight " + std::to_string(t.index));
        break;
      }
      case Storage::Input:
      case Storage::Output: {
        const auto& list = t.storage == Storage::Input ? desc.inputs : desc.outputs;
        if (t.index < 0 || static_cast<size_t>(t.index) >= list.size() || list[t.index] != static_cast<int32_t>(id))
          throw Error(kErrInvalidPlan, tensor_label(id) + " has an inconsistent feed/output index");
        total += t.storage == Storage::Output ? bytes : 0;
        break;
      }
      case Storage::Const:
        if (t.index < 0 || static_cast<size_t>(t.index) >= desc.consts.size() ||
            desc.consts[t.index].size() != static_cast<size_t>(bytes))
          throw Error(kErrInvalidPlan, tensor_label(id) + " does not match its constant");
        break;
      default:
        throw Error(kErrInvalidPlan, tensor_label(id) + " has an unknown storage kind");
    }
  }
  if (total > options_.memory_limit)
    throw Error(kErrMemoryLimit, "the plan needs " + std::to_string(total) + " bytes, over the memory limit of " +
                                     std::to_string(options_.memory_limit) + " bytes");
  for (size_t i = 0; i < desc.inputs.size(); ++i)
    if (desc.inputs[i] < 0 || static_cast<size_t>(desc.inputs[i]) >= n ||
        desc.tensors[desc.inputs[i]].storage != Storage::Input)
      throw Error(kErrInvalidPlan, "feed " + std::to_string(i) + " is not an input tensor");
  for (size_t i = 0; i < desc.outputs.size(); ++i)
    if (desc.outputs[i] < 0 || static_cast<size_t>(desc.outputs[i]) >= n ||
        desc.tensors[desc.outputs[i]].storage != Storage::Output)
      throw Error(kErrInvalidPlan, "output " + std::to_string(i) + " is not an output tensor");

  std::vector<bool> written(n, false);
  for (size_t id = 0; id < n; ++id) written[id] = desc.tensors[id].storage != Storage::Arena &&
                                                  desc.tensors[id].storage != Storage::Output;
  for (const NodeDesc& node : desc.nodes) {
    std::vector<DType> in_types, out_types;
    std::vector<int> in_ranks, out_ranks;
    for (int32_t id : node.inputs) {
      if (id == -1) {
        in_types.push_back(DType::Undefined);
        in_ranks.push_back(0);
        continue;
      }
      if (id < 0 || static_cast<size_t>(id) >= n) throw Error(kErrInvalidPlan, node.op + ": input id out of range");
      if (!written[id]) throw Error(kErrInvalidPlan, node.op + ": reads " + tensor_label(id) + " before it is written");
      in_types.push_back(desc.tensors[id].dtype);
      in_ranks.push_back(static_cast<int>(desc.tensors[id].dims.size()));
    }
    for (int32_t id : node.outputs) {
      if (id < 0 || static_cast<size_t>(id) >= n) throw Error(kErrInvalidPlan, node.op + ": output id out of range");
      const Storage s = desc.tensors[id].storage;
      if (s != Storage::Arena && s != Storage::Output)
        throw Error(kErrInvalidPlan, node.op + ": writes to a read-only " + tensor_label(id));
      written[id] = true;
      out_types.push_back(desc.tensors[id].dtype);
      out_ranks.push_back(static_cast<int>(desc.tensors[id].dims.size()));
    }
    NodeSig sig{node.op, node.attrs, in_types, in_ranks, out_types, out_ranks};
    std::string why;
    const KernelDef* k = find_kernel(sig, options_.device, &why);
    if (!k) throw Error(kErrUnsupported, why);
    plan->kernels.push_back(k);
  }
  for (int32_t id : desc.outputs)
    if (!written[id]) throw Error(kErrInvalidPlan, "output " + tensor_label(id) + " is never written");
  plan->prepared.resize(desc.nodes.size());
  if (!backend_) {
    // The kernels' prepare hooks, with the constant inputs' data (weights and plan constants).
    auto view = [&](int32_t id) {
      Tensor x;
      if (id < 0) return x;
      const TensorDesc& t = desc.tensors[id];
      x.dtype = t.dtype;
      x.dims = t.dims;
      if (t.storage == Storage::Weight) x.data = weights_[t.index].data.data();
      if (t.storage == Storage::Const) x.data = const_cast<uint8_t*>(desc.consts[t.index].data());
      return x;
    };
    for (size_t s = 0; s < desc.nodes.size(); ++s) {
      const KernelDef* k = plan->kernels[s];
      if (!k->prepare) continue;
      const NodeDesc& node = desc.nodes[s];
      std::vector<Tensor> in, out;
      std::vector<int32_t> weight;
      for (int32_t id : node.inputs) {
        in.push_back(view(id));
        weight.push_back(id >= 0 && desc.tensors[id].storage == Storage::Weight ? desc.tensors[id].index : -1);
      }
      for (int32_t id : node.outputs) out.push_back(view(id));
      plan->prepared[s] = k->prepare(PrepareCall{node.attrs, in, out, weight, prepared_});
    }
  }
  plan->desc = std::move(desc);
  plan->id = next_plan_id_++;
  if (backend_) plan->device_state = backend_->prepare(*plan);
  return plan;
}

std::unique_ptr<Engine::RunState> Engine::take_state(uint64_t plan_id) {
  {
    std::lock_guard<std::mutex> lock(states_mutex_);
    if (!free_states_.empty()) {
      // One laid out for this plan if there is one, else the least recently used.
      size_t pick = 0;
      for (size_t i = 0; i < free_states_.size(); ++i) {
        if (free_states_[i]->plan == plan_id) {
          pick = i;
          break;
        }
        if (free_states_[i]->used < free_states_[pick]->used) pick = i;
      }
      std::unique_ptr<RunState> st = std::move(free_states_[pick]);
      free_states_.erase(free_states_.begin() + pick);
      return st;
    }
  }
  return std::make_unique<RunState>(pool_.get());
}

void Engine::give_state(std::unique_ptr<RunState> state) {
  std::lock_guard<std::mutex> lock(states_mutex_);
  state->used = ++state_clock_;
  if (free_states_.size() < kMaxFreeStates) free_states_.push_back(std::move(state));
  else state.reset();  // more runs than that were in flight at once: let this one go
}

bool Engine::runs_on_lead() const { return !backend_ && pool_->threads() > 1; }

void Engine::post_to_lead(LeadTask* task) { pool_->post_to_lead(task); }

double Engine::run_timed(const Plan& plan, const std::vector<const void*>& feeds, const std::vector<size_t>& feed_bytes,
                         const std::vector<void*>& outputs, const std::vector<size_t>& output_bytes) {
  const auto t0 = std::chrono::steady_clock::now();
  run(plan, feeds, feed_bytes, outputs, output_bytes);
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
}

void Engine::run(const Plan& plan, const std::vector<const void*>& feeds, const std::vector<size_t>& feed_bytes,
                 const std::vector<void*>& outputs, const std::vector<size_t>& output_bytes) {
  const PlanDesc& d = plan.desc;
  if (feeds.size() != d.inputs.size() || feed_bytes.size() != feeds.size())
    throw Error(kErrInvalidInput, "expected " + std::to_string(d.inputs.size()) + " feeds, got " + std::to_string(feeds.size()));
  if (outputs.size() != d.outputs.size() || output_bytes.size() != outputs.size())
    throw Error(kErrInvalidInput, "expected " + std::to_string(d.outputs.size()) + " output buffers, got " +
                                      std::to_string(outputs.size()));
  auto bytes_of = [&](int32_t id) {
    return static_cast<size_t>(numel(d.tensors[id].dims)) * dtype_size(d.tensors[id].dtype);
  };
  for (size_t i = 0; i < feeds.size(); ++i)
    if (feed_bytes[i] != bytes_of(d.inputs[i]))
      throw Error(kErrInvalidInput, "feed " + std::to_string(i) + " has " + std::to_string(feed_bytes[i]) +
                                        " bytes, its shape needs " + std::to_string(bytes_of(d.inputs[i])));
  for (size_t i = 0; i < outputs.size(); ++i)
    if (output_bytes[i] != bytes_of(d.outputs[i]))
      throw Error(kErrInvalidInput, "output buffer " + std::to_string(i) + " has " + std::to_string(output_bytes[i]) +
                                        " bytes, its shape needs " + std::to_string(bytes_of(d.outputs[i])));

  if (backend_) {
    backend_->run(plan, feeds, outputs);
    return;
  }
  std::unique_ptr<RunState> st = take_state(plan.id);
  RunState& r = *st;
  const size_t n = d.tensors.size();
  if (r.plan != plan.id || r.arena.size() < static_cast<size_t>(d.arena_bytes)) {
    // Lay the state out for this plan: assignments reuse the tables' memory where it suffices.
    if (r.arena.size() < static_cast<size_t>(d.arena_bytes)) r.arena = Buffer(static_cast<size_t>(d.arena_bytes));
    r.tensors.resize(n);
    for (size_t id = 0; id < n; ++id) {
      r.tensors[id].dtype = d.tensors[id].dtype;
      r.tensors[id].dims = d.tensors[id].dims;
      r.tensors[id].device = Device::CPU;
    }
    r.in.resize(d.nodes.size());
    r.out.resize(d.nodes.size());
    for (size_t s = 0; s < d.nodes.size(); ++s) {
      const NodeDesc& node = d.nodes[s];
      r.in[s].clear();
      r.out[s].clear();
      for (int32_t id : node.inputs) r.in[s].push_back(id < 0 ? nullptr : &r.tensors[id]);
      for (int32_t id : node.outputs) r.out[s].push_back(&r.tensors[id]);
    }
    r.plan = plan.id;
  }
  for (size_t id = 0; id < n; ++id) {
    const TensorDesc& t = d.tensors[id];
    void*& data = r.tensors[id].data;
    switch (t.storage) {
      case Storage::Arena: data = static_cast<uint8_t*>(r.arena.data()) + t.offset; break;
      case Storage::Weight: data = weights_[t.index].data.data(); break;
      case Storage::Input: data = const_cast<void*>(feeds[t.index]); break;
      case Storage::Output: data = outputs[t.index]; break;
      case Storage::Const: data = const_cast<uint8_t*>(d.consts[t.index].data()); break;
    }
  }
  if (options_.poison) {
    if (d.arena_bytes) std::memset(r.arena.data(), 0xFF, static_cast<size_t>(d.arena_bytes));
    for (size_t i = 0; i < outputs.size(); ++i) std::memset(outputs[i], 0xFF, output_bytes[i]);
  }
  try {
    for (size_t s = 0; s < d.nodes.size(); ++s)
      plan.kernels[s]->run(KernelCall{d.nodes[s].attrs, r.in[s], r.out[s], r.ctx, plan.prepared[s].get()});
  } catch (...) {
    give_state(std::move(st));
    throw;
  }
  give_state(std::move(st));
}

}  // namespace srt
