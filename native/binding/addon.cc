// The N-API binding: the only file that includes napi.h. It copies requests out of JavaScript
// into plain C++ structs on the JS thread, runs them in an AsyncWorker (or, for CPU engines with
// several threads, a task posted to the engine's lead thread and answered through a thread-safe
// function) that never touches JS, and turns srt::Error into the library's own error class (handed over by init()).
#include <napi.h>

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/devices.h"
#include "core/engine.h"
#include "core/error.h"
#include "cpu/gemm_bench.h"

namespace {

using srt::Error;

// Per-environment state (main thread and each worker_thread get their own): no process globals.
struct AddonData {
  Napi::FunctionReference error_class;
  Napi::FunctionReference engine_class;
};

AddonData* data_of(Napi::Env env) { return env.GetInstanceData<AddonData>(); }

Napi::Value make_error(Napi::Env env, const std::string& code, const std::string& message) {
  AddonData* data = data_of(env);
  if (data && !data->error_class.IsEmpty())
    return data->error_class.New({Napi::String::New(env, code), Napi::String::New(env, message)});
  Napi::Error e = Napi::Error::New(env, message);
  e.Set("code", Napi::String::New(env, code));
  return e.Value();
}

[[noreturn]] void throw_js(Napi::Env env, const std::string& code, const std::string& message) {
  throw Napi::Error(env, make_error(env, code, message));
}

// ---- reading plain values out of JavaScript (JS thread only) ----

double get_number(Napi::Env env, Napi::Value v, const std::string& what) {
  if (!v.IsNumber()) throw_js(env, srt::kErrInvalidPlan, "expected a number for " + what);
  return v.As<Napi::Number>().DoubleValue();
}

std::vector<int64_t> get_int_array(Napi::Env env, Napi::Value v, const std::string& what) {
  if (!v.IsArray()) throw_js(env, srt::kErrInvalidPlan, "expected an array for " + what);
  Napi::Array a = v.As<Napi::Array>();
  std::vector<int64_t> out(a.Length());
  for (uint32_t i = 0; i < a.Length(); ++i) {
    double d = get_number(env, a.Get(i), what);
    if (d != static_cast<double>(static_cast<int64_t>(d))) throw_js(env, srt::kErrInvalidPlan, "expected integers for " + what);
    out[i] = static_cast<int64_t>(d);
  }
  return out;
}

std::vector<int32_t> get_ids(Napi::Env env, Napi::Value v, const std::string& what) {
  std::vector<int64_t> a = get_int_array(env, v, what);
  return std::vector<int32_t>(a.begin(), a.end());
}

srt::DType get_dtype(Napi::Env env, Napi::Value v, const std::string& what) {
  int32_t code = static_cast<int32_t>(get_number(env, v, what));
  if (!srt::dtype_valid(code)) throw_js(env, srt::kErrUnsupported, what + ": element type code " + std::to_string(code) + " is not supported");
  return static_cast<srt::DType>(code);
}

srt::Attrs get_attrs(Napi::Env env, Napi::Value v) {
  srt::Attrs attrs;
  if (v.IsUndefined() || v.IsNull()) return attrs;
  if (!v.IsObject()) throw_js(env, srt::kErrInvalidPlan, "expected an object for node attributes");
  Napi::Object o = v.As<Napi::Object>();
  Napi::Array keys = o.GetPropertyNames();
  for (uint32_t i = 0; i < keys.Length(); ++i) {
    std::string k = keys.Get(i).As<Napi::String>().Utf8Value();
    Napi::Value x = o.Get(k);
    srt::Attr a;
    if (x.IsNumber()) {
      a.kind = srt::Attr::Num;
      a.num = x.As<Napi::Number>().DoubleValue();
    } else if (x.IsBigInt()) {
      bool lossless = false;
      a.kind = srt::Attr::Int;
      a.int_value = x.As<Napi::BigInt>().Int64Value(&lossless);
      if (!lossless) throw_js(env, srt::kErrInvalidPlan, "attribute " + k + " does not fit in int64");
    } else if (x.IsString()) {
      a.kind = srt::Attr::Str;
      a.str = x.As<Napi::String>().Utf8Value();
    } else if (x.IsArray()) {
      a.kind = srt::Attr::Nums;
      Napi::Array arr = x.As<Napi::Array>();
      for (uint32_t j = 0; j < arr.Length(); ++j) a.nums.push_back(get_number(env, arr.Get(j), "attribute " + k));
    } else {
      throw_js(env, srt::kErrInvalidPlan, "attribute " + k + " must be a number, bigint, number[] or string");
    }
    attrs.set(k, std::move(a));
  }
  return attrs;
}

struct View {
  void* data;
  size_t bytes;
};

View get_view(Napi::Env env, Napi::Value v, const std::string& what) {
  if (!v.IsTypedArray()) throw_js(env, srt::kErrInvalidInput, "expected a typed array for " + what);
  Napi::TypedArray t = v.As<Napi::TypedArray>();
  Napi::ArrayBuffer buf = t.ArrayBuffer();
  return {static_cast<uint8_t*>(buf.Data()) + t.ByteOffset(), t.ByteLength()};
}

srt::PlanDesc get_plan(Napi::Env env, Napi::Value v) {
  if (!v.IsObject()) throw_js(env, srt::kErrInvalidPlan, "expected a plan object");
  Napi::Object o = v.As<Napi::Object>();
  srt::PlanDesc plan;
  Napi::Value tv = o.Get("tensors");
  if (!tv.IsArray()) throw_js(env, srt::kErrInvalidPlan, "plan.tensors must be an array");
  Napi::Array tensors = tv.As<Napi::Array>();
  for (uint32_t i = 0; i < tensors.Length(); ++i) {
    Napi::Value tvi = tensors.Get(i);
    if (!tvi.IsObject()) throw_js(env, srt::kErrInvalidPlan, "plan.tensors[" + std::to_string(i) + "] must be an object");
    Napi::Object t = tvi.As<Napi::Object>();
    srt::TensorDesc d;
    d.dtype = get_dtype(env, t.Get("dtype"), "tensor " + std::to_string(i));
    d.dims = get_int_array(env, t.Get("dims"), "tensor dims");
    d.storage = static_cast<srt::Storage>(static_cast<int32_t>(get_number(env, t.Get("storage"), "tensor storage")));
    Napi::Value off = t.Get("offset"), idx = t.Get("index");
    d.offset = off.IsUndefined() ? 0 : static_cast<int64_t>(get_number(env, off, "tensor offset"));
    d.index = idx.IsUndefined() ? 0 : static_cast<int32_t>(get_number(env, idx, "tensor index"));
    plan.tensors.push_back(std::move(d));
  }
  Napi::Value cv = o.Get("consts");
  if (cv.IsArray()) {
    Napi::Array consts = cv.As<Napi::Array>();
    for (uint32_t i = 0; i < consts.Length(); ++i) {
      View view = get_view(env, consts.Get(i), "plan constant");
      const uint8_t* p = static_cast<const uint8_t*>(view.data);
      plan.consts.emplace_back(p, p + view.bytes);
    }
  }
  Napi::Value nv = o.Get("nodes");
  if (!nv.IsArray()) throw_js(env, srt::kErrInvalidPlan, "plan.nodes must be an array");
  Napi::Array nodes = nv.As<Napi::Array>();
  for (uint32_t i = 0; i < nodes.Length(); ++i) {
    Napi::Value nvi = nodes.Get(i);
    if (!nvi.IsObject()) throw_js(env, srt::kErrInvalidPlan, "plan.nodes[" + std::to_string(i) + "] must be an object");
    Napi::Object n = nvi.As<Napi::Object>();
    srt::NodeDesc d;
    Napi::Value op = n.Get("op");
    if (!op.IsString()) throw_js(env, srt::kErrInvalidPlan, "node op must be a string");
    d.op = op.As<Napi::String>().Utf8Value();
    d.inputs = get_ids(env, n.Get("inputs"), "node inputs");
    d.outputs = get_ids(env, n.Get("outputs"), "node outputs");
    d.attrs = get_attrs(env, n.Get("attrs"));
    plan.nodes.push_back(std::move(d));
  }
  plan.arena_bytes = static_cast<int64_t>(get_number(env, o.Get("arenaBytes"), "plan.arenaBytes"));
  plan.inputs = get_ids(env, o.Get("inputs"), "plan.inputs");
  plan.outputs = get_ids(env, o.Get("outputs"), "plan.outputs");
  return plan;
}

// ---- the run: the buffers it reads and writes, and the engine's errors as plain values ----

struct RunBuffers {
  std::vector<const void*> feeds;
  std::vector<size_t> feed_bytes;
  std::vector<void*> outputs;
  std::vector<size_t> output_bytes;
};

// Fills `b` from run(plan, feeds, outputs)'s arrays (info[1], info[2]), calling keep(value) for each
// buffer; returns the compiled plan of info[0]. Throws ERR_INVALID_* on anything else.
template <class Keep>
const std::shared_ptr<const srt::Plan>& run_args(const Napi::CallbackInfo& info, RunBuffers& b, Keep keep) {
  Napi::Env env = info.Env();
  if (!info[0].IsExternal()) throw_js(env, srt::kErrInvalidPlan, "expected a compiled plan");
  if (!info[1].IsArray() || !info[2].IsArray()) throw_js(env, srt::kErrInvalidInput, "expected arrays of feeds and outputs");
  Napi::Array feeds = info[1].As<Napi::Array>(), outputs = info[2].As<Napi::Array>();
  for (uint32_t i = 0; i < feeds.Length(); ++i) {
    const View v = get_view(env, feeds.Get(i), "feed");
    keep(feeds.Get(i));
    b.feeds.push_back(v.data);
    b.feed_bytes.push_back(v.bytes);
  }
  for (uint32_t i = 0; i < outputs.Length(); ++i) {
    const View v = get_view(env, outputs.Get(i), "output");
    keep(outputs.Get(i));
    b.outputs.push_back(v.data);
    b.output_bytes.push_back(v.bytes);
  }
  return *info[0].As<Napi::External<std::shared_ptr<const srt::Plan>>>().Data();
}

struct RunError {
  std::string code;  // empty when the run succeeded
  std::string message;
};

// Runs the plan on the calling thread and sets `micros` to its time; what the engine throws comes
// back as a code and a message (no JavaScript here).
RunError run_engine(srt::Engine& engine, const srt::Plan& plan, const RunBuffers& b, double& micros) {
  try {
    micros = engine.run_timed(plan, b.feeds, b.feed_bytes, b.outputs, b.output_bytes);
    return {};
  } catch (const Error& e) {
    return {e.code(), e.what()};
  } catch (const std::bad_alloc&) {
    return {srt::kErrOutOfMemory, "out of memory during the run"};
  } catch (const std::exception& e) {
    return {srt::kErrInternal, e.what()};
  }
}

// ---- the run on a worker (a GPU engine, or a CPU engine with one thread): an AsyncWorker that
// owns plain copies of everything it needs ----

class RunWorker : public Napi::AsyncWorker {
 public:
  RunWorker(Napi::Env env, std::shared_ptr<srt::Engine> engine)
      : Napi::AsyncWorker(env, "surrogate-rt:run"), deferred_(Napi::Promise::Deferred::New(env)),
        engine_(std::move(engine)) {}

  Napi::Promise promise() { return deferred_.Promise(); }

  // Called on the JS thread before queueing: the plan and buffers, each buffer kept alive.
  void set_args(const Napi::CallbackInfo& info) {
    plan_ = run_args(info, buffers_, [this](Napi::Value v) { keep_.push_back(Napi::Persistent(v.As<Napi::Object>())); });
  }

 protected:
  void Execute() override {  // worker thread: no JavaScript here
    RunError e = run_engine(*engine_, *plan_, buffers_, micros_);
    if (!e.code.empty()) {
      code_ = std::move(e.code);
      SetError(e.message);
    }
  }
  // (A worker thread terminated while a run was in flight: its environment can no longer run
  // JavaScript, the N-API calls below fail and throw, and nobody is left to answer.)
  void OnOK() override {  // resolves with the run's time on the worker, in microseconds
    keep_.clear();
    try {
      deferred_.Resolve(Napi::Number::New(Env(), micros_));
    } catch (const Napi::Error&) {
    }
  }
  void OnError(const Napi::Error& e) override {
    keep_.clear();
    try {
      deferred_.Reject(make_error(Env(), code_, e.Message()));
    } catch (const Napi::Error&) {
    }
  }

 private:
  Napi::Promise::Deferred deferred_;
  std::shared_ptr<srt::Engine> engine_;  // keeps the engine alive even if disposed mid-run
  std::shared_ptr<const srt::Plan> plan_;
  std::vector<Napi::ObjectReference> keep_;
  RunBuffers buffers_;
  std::string code_ = srt::kErrInternal;
  double micros_ = 0;
};

// ---- a run posted straight to the engine's lead thread ----
// For engines that run on their lead thread anyway (Engine::runs_on_lead): posted there from the
// JS thread, without a libuv thread in between (two fewer thread wake-ups per run, each tens of µs
// on a VM), and answered through the engine wrapper's thread-safe function. The run itself never
// touches JavaScript, as in RunWorker.
// The runs an engine wrapper has on its lead thread that have not yet called back: the wrapper
// waits for none to be left before it releases its thread-safe function (when it is collected, or
// when its environment is torn down: a worker thread terminated with runs in flight).
class LeadRun;
struct LeadState {
  std::mutex mutex;
  std::condition_variable idle;
  int pending = 0;               // posted and not yet through run() (guarded by mutex)
  // Created and not yet answered on the JS thread (JS thread only): while it is not empty, the
  // thread-safe function is referenced, so the process waits for these runs.
  std::vector<LeadRun*> live;
};

class LeadRun final : public srt::LeadTask {
 public:
  LeadRun(Napi::Env env, std::shared_ptr<srt::Engine> engine, std::shared_ptr<const srt::Plan> plan,
          Napi::ThreadSafeFunction tsfn, std::shared_ptr<LeadState> state)
      : deferred_(Napi::Promise::Deferred::New(env)), engine_(std::move(engine)), plan_(std::move(plan)),
        tsfn_(tsfn), state_(std::move(state)) {}

  Napi::Promise promise() { return deferred_.Promise(); }

  // JS thread: the buffers (each kept alive) and the engine wrapper's object (its thread-safe
  // function must outlive the run).
  void set_args(const Napi::CallbackInfo& info, Napi::Object wrapper) {
    keep_.push_back(Napi::Persistent(wrapper));
    run_args(info, buffers_, [this](Napi::Value v) { keep_.push_back(Napi::Persistent(v.As<Napi::Object>())); });
  }

  // JS thread, environment torn down: the callback will not come. The JS references are dropped
  // without touching the dead environment, and the engine released here, not on its lead thread.
  void abandon() {
    for (Napi::ObjectReference& r : keep_) r.SuppressDestruct();
    delete this;
  }

  void run() noexcept override {  // lead thread: no JavaScript here
    error_ = run_engine(*engine_, *plan_, buffers_, micros_);
    // If the environment is being torn down, the call fails or the callback never runs: this
    // object then stays (its JS references cannot be released off the JS thread, nor the engine
    // destroyed on its own lead thread).
    Napi::ThreadSafeFunction tsfn = tsfn_;  // `this` may be gone once the call is made
    std::shared_ptr<LeadState> state = state_;
    tsfn.NonBlockingCall(this, [](Napi::Env env, Napi::Function, LeadRun* run) { run->finish(env); });
    tsfn.Release();
    std::lock_guard<std::mutex> lock(state->mutex);
    if (--state->pending == 0) state->idle.notify_all();
  }

 private:
  void finish(Napi::Env env) {  // JS thread
    auto& live = state_->live;
    live.erase(std::find(live.begin(), live.end(), this));
    try {
      if (error_.code.empty())
        deferred_.Resolve(Napi::Number::New(env, micros_));
      else
        deferred_.Reject(make_error(env, error_.code, error_.message));
      if (live.empty()) tsfn_.Unref(env);
    } catch (const Napi::Error&) {  // the environment is stopping (a worker thread terminated)
    }
    keep_.clear();
    delete this;
  }

  Napi::Promise::Deferred deferred_;
  std::shared_ptr<srt::Engine> engine_;  // keeps the engine alive even if disposed mid-run
  std::shared_ptr<const srt::Plan> plan_;
  Napi::ThreadSafeFunction tsfn_;
  std::shared_ptr<LeadState> state_;
  std::vector<Napi::ObjectReference> keep_;
  RunBuffers buffers_;
  RunError error_;
  double micros_ = 0;
};

// ---- Engine: one per loaded model ----

class EngineWrap : public Napi::ObjectWrap<EngineWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Engine",
                       {InstanceMethod<&EngineWrap::SetWeight>("setWeight"),
                        InstanceMethod<&EngineWrap::Supports>("supports"),
                        InstanceMethod<&EngineWrap::Compile>("compile"),
                        InstanceMethod<&EngineWrap::Run>("run"),
                        InstanceMethod<&EngineWrap::RunInline>("runInline"),
                        InstanceMethod<&EngineWrap::Dispose>("dispose")});
  }

  explicit EngineWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<EngineWrap>(info) {
    Napi::Env env = info.Env();
    srt::EngineOptions opts;
    if (info.Length() > 0 && info[0].IsObject()) {
      Napi::Object o = info[0].As<Napi::Object>();
      if (o.Has("device")) opts.device = static_cast<srt::Device>(static_cast<int32_t>(get_number(env, o.Get("device"), "device")));
      if (o.Has("deviceIndex")) opts.device_index = static_cast<int>(get_number(env, o.Get("deviceIndex"), "deviceIndex"));
      if (o.Has("threads")) opts.threads = static_cast<int>(get_number(env, o.Get("threads"), "threads"));
      if (o.Has("memoryLimit")) opts.memory_limit = static_cast<int64_t>(get_number(env, o.Get("memoryLimit"), "memoryLimit"));
      if (o.Has("tf32")) opts.tf32 = o.Get("tf32").ToBoolean().Value();
      if (o.Has("cudaGraphs")) opts.cuda_graphs = o.Get("cudaGraphs").ToBoolean().Value();
      if (o.Has("poison")) opts.poison = o.Get("poison").ToBoolean().Value();
    }
    try {
      engine_ = std::make_shared<srt::Engine>(opts);
    } catch (const Error& e) {
      throw_js(env, e.code(), e.what());
    }
  }

  ~EngineWrap() override {
    if (lead_hook_) napi_remove_env_cleanup_hook(Env(), &EngineWrap::LeadCleanup, this);
    ReleaseLead();
  }

 private:
  srt::Engine& engine(Napi::Env env) {
    if (!engine_) throw_js(env, "ERR_DISPOSED", "This model has been disposed");
    return *engine_;
  }

  Napi::Value SetWeight(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    srt::Engine& e = engine(env);
    int32_t id = static_cast<int32_t>(get_number(env, info[0], "weight id"));
    srt::DType dtype = get_dtype(env, info[1], "weight");
    srt::Dims dims = get_int_array(env, info[2], "weight dims");
    View view = get_view(env, info[3], "weight data");
    try {
      e.set_weight(id, dtype, dims, view.data, view.bytes);
    } catch (const Error& err) {
      throw_js(env, err.code(), err.what());
    }
    return env.Undefined();
  }

  // supports({op, attrs, inTypes, inRanks, outTypes, outRanks}) -> "" or the reason.
  Napi::Value Supports(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    srt::Engine& e = engine(env);
    if (!info[0].IsObject()) throw_js(env, srt::kErrInvalidPlan, "expected a node signature");
    Napi::Object o = info[0].As<Napi::Object>();
    std::string op = o.Get("op").ToString().Utf8Value();
    srt::Attrs attrs = get_attrs(env, o.Get("attrs"));
    auto types = [&](const char* key) {
      std::vector<srt::DType> out;
      for (int64_t c : get_int_array(env, o.Get(key), key)) out.push_back(static_cast<srt::DType>(c));
      return out;
    };
    auto ranks = [&](const char* key) {
      std::vector<int64_t> a = get_int_array(env, o.Get(key), key);
      return std::vector<int>(a.begin(), a.end());
    };
    srt::NodeSig sig{op, attrs, types("inTypes"), ranks("inRanks"), types("outTypes"), ranks("outRanks")};
    return Napi::String::New(env, e.supports(sig));
  }

  Napi::Value Compile(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    srt::Engine& e = engine(env);
    srt::PlanDesc desc = get_plan(env, info[0]);
    std::shared_ptr<const srt::Plan> plan;
    try {
      plan = e.compile(std::move(desc));
    } catch (const Error& err) {
      throw_js(env, err.code(), err.what());
    } catch (const std::bad_alloc&) {
      throw_js(env, srt::kErrOutOfMemory, "out of memory while compiling the plan");
    }
    auto* holder = new std::shared_ptr<const srt::Plan>(std::move(plan));
    return Napi::External<std::shared_ptr<const srt::Plan>>::New(
        env, holder, [](Napi::Env, std::shared_ptr<const srt::Plan>* p) { delete p; });
  }

  // run(plan, feeds: TypedArray[], outputs: TypedArray[]) -> Promise<void>
  Napi::Value Run(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!engine_) {
      auto d = Napi::Promise::Deferred::New(env);
      d.Reject(make_error(env, "ERR_DISPOSED", "This model has been disposed"));
      return d.Promise();
    }
    if (!info[0].IsExternal()) throw_js(env, srt::kErrInvalidPlan, "expected a compiled plan");
    const auto& plan = *info[0].As<Napi::External<std::shared_ptr<const srt::Plan>>>().Data();
    if (engine_->runs_on_lead()) return RunOnLead(info, plan);
    auto* worker = new RunWorker(env, engine_);
    Napi::Promise promise = worker->promise();
    try {
      worker->set_args(info);
    } catch (...) {
      delete worker;
      throw;
    }
    worker->Queue();
    return promise;
  }

  Napi::Value RunOnLead(const Napi::CallbackInfo& info, const std::shared_ptr<const srt::Plan>& plan) {
    Napi::Env env = info.Env();
    if (!lead_tsfn_) {
      lead_tsfn_ = Napi::ThreadSafeFunction::New(env, Napi::Function::New(env, [](const Napi::CallbackInfo&) {}),
                                                 "surrogate-rt:lead", 0, 1);
      lead_tsfn_.Unref(env);  // referenced only while runs are in flight
      // Registered after the function's own hook, so it runs first (hooks run in reverse order).
      napi_add_env_cleanup_hook(env, &EngineWrap::LeadCleanup, this);
      lead_hook_ = true;
    }
    auto* run = new LeadRun(env, engine_, plan, lead_tsfn_, lead_state_);
    Napi::Promise promise = run->promise();
    try {
      run->set_args(info, Value());
    } catch (...) {
      delete run;
      throw;
    }
    std::vector<LeadRun*>& live = lead_state_->live;
    if (live.empty()) lead_tsfn_.Ref(env);
    live.push_back(run);
    lead_tsfn_.Acquire();  // released by the run once it has called back
    {
      std::lock_guard<std::mutex> lock(lead_state_->mutex);
      ++lead_state_->pending;
    }
    try {
      engine_->post_to_lead(run);
    } catch (const std::exception& e) {  // the lead thread could not be started
      {
        std::lock_guard<std::mutex> lock(lead_state_->mutex);
        --lead_state_->pending;
      }
      live.pop_back();
      lead_tsfn_.Release();
      if (live.empty()) lead_tsfn_.Unref(env);
      delete run;
      throw_js(env, srt::kErrInternal, std::string("could not start the engine's lead thread: ") + e.what());
    }
    return promise;
  }
  // Waits until no run posted to the lead thread can still call the thread-safe function, then
  // releases it (the runs hold their own share until then).
  void ReleaseLead() {
    if (!lead_tsfn_) return;
    {
      std::unique_lock<std::mutex> lock(lead_state_->mutex);
      lead_state_->idle.wait(lock, [&] { return lead_state_->pending == 0; });
    }
    lead_tsfn_.Release();
    lead_tsfn_ = Napi::ThreadSafeFunction();
  }
  static void LeadCleanup(void* arg) {  // the environment is being torn down
    auto* self = static_cast<EngineWrap*>(arg);
    self->lead_hook_ = false;
    self->ReleaseLead();
    // Runs whose answer was still queued: it will not be delivered now.
    std::vector<LeadRun*> live;
    live.swap(self->lead_state_->live);
    for (LeadRun* run : live) run->abandon();
  }

  // runInline(plan, feeds, outputs) -> microseconds: the same run on the calling (JS) thread, for
  // plans that take less time than handing them to a worker would (the runner decides, from
  // measured run times).
  // CPU engines only: a GPU run would block on the device.
  Napi::Value RunInline(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!engine_) throw_js(env, "ERR_DISPOSED", "This model has been disposed");
    if (engine_->options().device != srt::Device::CPU) throw_js(env, srt::kErrInvalidPlan, "runInline is for CPU engines");
    // Reused across calls (one JS thread owns this object), so a warmed-up call allocates nothing.
    inline_.feeds.clear();
    inline_.feed_bytes.clear();
    inline_.outputs.clear();
    inline_.output_bytes.clear();
    const auto& plan = run_args(info, inline_, [](Napi::Value) {});  // the caller holds the buffers
    double micros = 0;
    const RunError e = run_engine(*engine_, *plan, inline_, micros);
    if (!e.code.empty()) throw_js(env, e.code, e.message);
    // The run's time measured as a worker measures it, so the runner compares like with like.
    return Napi::Number::New(env, micros);
  }

  Napi::Value Dispose(const Napi::CallbackInfo& info) {
    engine_.reset();  // runs in flight hold their own reference and finish first
    return info.Env().Undefined();
  }

  std::shared_ptr<srt::Engine> engine_;
  RunBuffers inline_;  // runInline's buffer lists
  Napi::ThreadSafeFunction lead_tsfn_;  // answers runs posted to the lead thread (RunOnLead)
  std::shared_ptr<LeadState> lead_state_ = std::make_shared<LeadState>();
  bool lead_hook_ = false;  // LeadCleanup is registered
};

// ---- module functions ----

Napi::Value Init(const Napi::CallbackInfo& info) {
  AddonData* data = data_of(info.Env());
  if (info.Length() > 0 && info[0].IsFunction()) data->error_class = Napi::Persistent(info[0].As<Napi::Function>());
  return info.Env().Undefined();
}

Napi::Value Devices(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  srt::CpuInfo cpu = srt::cpu_info();
  Napi::Object c = Napi::Object::New(env);
  c.Set("model", cpu.model);
  c.Set("cores", cpu.cores);
  c.Set("avx2", cpu.avx2);
  c.Set("fma", cpu.fma);
  c.Set("avx512f", cpu.avx512f);
  c.Set("neon", cpu.neon);
  out.Set("cpu", c);
  srt::CudaStatus s = srt::cuda_status();
  Napi::Object g = Napi::Object::New(env);
  g.Set("built", s.built);
  g.Set("reason", s.reason);
  g.Set("message", s.message);
  g.Set("driverVersion", s.driver_version);
  g.Set("runtimeVersion", s.runtime_version);
  Napi::Array list = Napi::Array::New(env, s.devices.size());
  for (size_t i = 0; i < s.devices.size(); ++i) {
    const srt::CudaDevice& d = s.devices[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("index", d.index);
    o.Set("name", d.name);
    o.Set("computeCapability", std::to_string(d.major) + "." + std::to_string(d.minor));
    o.Set("totalMemory", static_cast<double>(d.total_memory));
    o.Set("multiprocessors", d.multiprocessors);
    list.Set(static_cast<uint32_t>(i), o);
  }
  g.Set("devices", list);
  out.Set("cuda", g);
  return out;
}

Napi::Value RegisteredOps(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t dev = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : 0;
  std::vector<std::string> ops = srt::registered_ops(static_cast<srt::Device>(dev));
  Napi::Array a = Napi::Array::New(env, ops.size());
  for (size_t i = 0; i < ops.size(); ++i) a.Set(static_cast<uint32_t>(i), ops[i]);
  return a;
}

// benchGemm({ m, n, k, threads, seconds }) -> Promise<{ gflops, peakGflops, bestGflops,
// bestPeakGflops }>: the GEMM micro-benchmark of `npm run bench` (medians, and the best runs), on a
// worker thread (it runs for seconds).
class GemmBenchWorker : public Napi::AsyncWorker {
 public:
  GemmBenchWorker(Napi::Env env, int64_t m, int64_t n, int64_t k, int threads, double seconds)
      : Napi::AsyncWorker(env, "surrogate-rt:bench"), deferred_(Napi::Promise::Deferred::New(env)),
        m_(m), n_(n), k_(k), threads_(threads), seconds_(seconds) {}
  Napi::Promise promise() { return deferred_.Promise(); }

 protected:
  void Execute() override {
    gflops_ = srt::measure_sgemm_gflops(m_, n_, k_, threads_, seconds_);
    peak_ = srt::measure_fma_peak_gflops(threads_, seconds_ / 2);
  }
  void OnOK() override {
    Napi::Object o = Napi::Object::New(Env());
    o.Set("gflops", gflops_.median);
    o.Set("peakGflops", peak_.median);
    o.Set("bestGflops", gflops_.best);
    o.Set("bestPeakGflops", peak_.best);
    deferred_.Resolve(o);
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  int64_t m_, n_, k_;
  int threads_;
  double seconds_;
  srt::Throughput gflops_, peak_;
};

Napi::Value BenchGemm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject()) throw_js(env, srt::kErrInvalidInput, "benchGemm expects { m, n, k, threads, seconds }");
  Napi::Object o = info[0].As<Napi::Object>();
  auto num = [&](const char* key) {
    Napi::Value v = o.Get(key);
    if (!v.IsNumber()) throw_js(env, srt::kErrInvalidInput, std::string("benchGemm: expected a number for ") + key);
    return v.As<Napi::Number>().DoubleValue();
  };
  const double m = num("m"), n = num("n"), k = num("k"), threads = num("threads"), seconds = num("seconds");
  if (m < 1 || n < 1 || k < 1 || m * n + n * k + m * k > 1e9 || threads < 1 || threads > 1024 || !(seconds > 0))
    throw_js(env, srt::kErrInvalidInput, "benchGemm: sizes, threads or seconds out of range");
  auto* w = new GemmBenchWorker(env, static_cast<int64_t>(m), static_cast<int64_t>(n), static_cast<int64_t>(k),
                                static_cast<int>(threads), seconds);
  Napi::Promise p = w->promise();
  w->Queue();
  return p;
}

Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  env.SetInstanceData<AddonData>(data);  // deleted by N-API when this environment is torn down
  data->engine_class = Napi::Persistent(EngineWrap::Define(env));
  exports.Set("Engine", data->engine_class.Value());
  exports.Set("init", Napi::Function::New(env, Init));
  exports.Set("devices", Napi::Function::New(env, Devices));
  exports.Set("registeredOps", Napi::Function::New(env, RegisteredOps));
  exports.Set("benchGemm", Napi::Function::New(env, BenchGemm));
  return exports;
}

}  // namespace

NODE_API_MODULE(surrogate_rt, InitModule)
