// The CPU emulator behind emu.h (compiled only into the test addon, surrogate_rt_emu.node).
#include "cuda/emu/emu.h"

#include <ucontext.h>

#include <cstdlib>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

struct CUstream_st {
  bool capturing = false;
  std::vector<std::function<void()>> recorded;
};
struct CUgraph_st {
  std::vector<std::function<void()>> ops;
};
struct CUgraphExec_st {
  std::vector<std::function<void()>> ops;
};

namespace srt {
namespace emu {
namespace {

constexpr size_t kStackBytes = 256 * 1024;
constexpr size_t kMaxDynamicShared = 227 * 1024;  // Hopper's opt-in maximum per block

enum class FiberState { Ready, AtBarrier, Done };

struct Fiber {
  ucontext_t context;
  std::unique_ptr<char[]> stack;
  FiberState state = FiberState::Ready;
  uint3 thread{0, 0, 0};
};

// Everything about the block being run on this OS thread.
struct Scheduler {
  ThreadState state;
  ucontext_t main;
  std::vector<Fiber> fibers;
  size_t current = 0;
  const std::function<void()>* body = nullptr;
  bool direct = false;  // running threads as plain calls (thread 0 reached no barrier)
  std::exception_ptr error;
  std::vector<unsigned char> shared;
  int captures = 0;  // streams being captured by this thread
  cudaError_t last_error = cudaSuccess;
};
thread_local Scheduler sched;

struct BarrierError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void fiber_entry() {
  Fiber& f = sched.fibers[sched.current];
  try {
    (*sched.body)();
  } catch (...) {
    if (!sched.error) sched.error = std::current_exception();
  }
  f.state = FiberState::Done;
  // returning resumes uc_link (the scheduler)
}

uint3 thread_of(size_t t, const dim3& b) {
  return uint3{static_cast<unsigned>(t % b.x), static_cast<unsigned>(t / b.x % b.y),
               static_cast<unsigned>(t / (size_t(b.x) * b.y))};
}

void resume(size_t t) {
  Fiber& f = sched.fibers[t];
  sched.current = t;
  sched.state.thread = f.thread;
  f.state = FiberState::Ready;
  swapcontext(&sched.main, &f.context);
}

void start(size_t t, const dim3& block) {
  Fiber& f = sched.fibers[t];
  if (!f.stack) f.stack.reset(new char[kStackBytes]);
  getcontext(&f.context);
  f.context.uc_stack.ss_sp = f.stack.get();
  f.context.uc_stack.ss_size = kStackBytes;
  f.context.uc_link = &sched.main;
  makecontext(&f.context, fiber_entry, 0);
  f.thread = thread_of(t, block);
  resume(t);
}

void run_block(const std::function<void()>& body, const dim3& block) {
  const size_t n = size_t(block.x) * block.y * block.z;
  if (sched.fibers.size() < n) sched.fibers.resize(n);
  sched.body = &body;
  sched.error = nullptr;
  // Thread 0 first, as a fiber. If it finishes without reaching a barrier the kernel has none (a
  // barrier must be reached by every thread), and the other threads run as plain calls.
  start(0, block);
  if (sched.error) std::rethrow_exception(sched.error);
  if (sched.fibers[0].state == FiberState::Done) {
    sched.direct = true;
    struct Reset {
      ~Reset() { sched.direct = false; }
    } reset;
    for (size_t t = 1; t < n; ++t) {
      sched.state.thread = thread_of(t, block);
      body();
    }
    return;
  }
  for (size_t t = 1; t < n; ++t) {
    start(t, block);
    if (sched.error) std::rethrow_exception(sched.error);
  }
  for (;;) {
    size_t done = 0, waiting = 0;
    for (size_t t = 0; t < n; ++t) (sched.fibers[t].state == FiberState::Done ? done : waiting)++;
    if (waiting == 0) return;
    if (done != 0)
      throw BarrierError("__syncthreads() was not reached by every thread of the block (" + std::to_string(done) +
                         " of " + std::to_string(n) + " threads had exited): undefined behaviour on a GPU");
    for (size_t t = 0; t < n; ++t) {
      resume(t);
      if (sched.error) std::rethrow_exception(sched.error);
    }
  }
}

bool config_ok(const dim3& g, const dim3& b, size_t shared_bytes) {
  const size_t threads = size_t(b.x) * b.y * b.z;
  return g.x >= 1 && g.y >= 1 && g.z >= 1 && g.x <= 2147483647u && g.y <= 65535 && g.z <= 65535 && b.x >= 1 &&
         b.y >= 1 && b.z >= 1 && b.x <= 1024 && b.y <= 1024 && b.z <= 64 && threads <= 1024 &&
         shared_bytes <= kMaxDynamicShared;
}

void run_grid(const dim3& grid, const dim3& block, size_t shared_bytes, const std::function<void()>& body) {
  ThreadState saved = sched.state;
  sched.state.grid_dim = grid;
  sched.state.block_dim = block;
  sched.shared.assign(shared_bytes, 0xCD);  // uninitialised, as on a GPU
  try {
    for (unsigned z = 0; z < grid.z; ++z)
      for (unsigned y = 0; y < grid.y; ++y)
        for (unsigned x = 0; x < grid.x; ++x) {
          sched.state.block = uint3{x, y, z};
          run_block(body, block);
        }
  } catch (...) {
    sched.state = saved;
    throw;
  }
  sched.state = saved;
}

cudaError_t fail(cudaError_t e) {
  sched.last_error = e;
  return e;
}

// During a capture a stream records instead of running; host-blocking calls are refused, as the
// CUDA runtime does in cudaStreamCaptureModeThreadLocal.
bool capturing() { return sched.captures > 0; }

void enqueue(cudaStream_t stream, std::function<void()> op) {
  if (stream && stream->capturing) stream->recorded.push_back(std::move(op));
  else op();
}

}  // namespace

ThreadState& current() { return sched.state; }

void syncthreads() {
  if (sched.direct)
    throw BarrierError("__syncthreads() reached by a thread after thread 0 of its block exited without one");
  Fiber& f = sched.fibers[sched.current];
  f.state = FiberState::AtBarrier;
  swapcontext(&f.context, &sched.main);
}

void* dynamic_shared() { return sched.shared.data(); }

void launch(dim3 grid, dim3 block, size_t shared_bytes, cudaStream_t stream, std::function<void()> body) {
  if (!config_ok(grid, block, shared_bytes)) {
    fail(cudaErrorInvalidConfiguration);
    return;
  }
  enqueue(stream, [grid, block, shared_bytes, body]() { run_grid(grid, block, shared_bytes, body); });
}

}  // namespace emu
}  // namespace srt

using srt::emu::capturing;
using srt::emu::fail;

cudaError_t cudaMalloc(void** ptr, size_t bytes) {
  if (capturing()) return fail(cudaErrorStreamCaptureUnsupported);
  *ptr = std::aligned_alloc(256, (bytes + 255) / 256 * 256 + 256);
  return *ptr ? cudaSuccess : fail(cudaErrorMemoryAllocation);
}
cudaError_t cudaFree(void* ptr) {
  if (capturing()) return fail(cudaErrorStreamCaptureUnsupported);
  std::free(ptr);
  return cudaSuccess;
}
cudaError_t cudaMallocHost(void** ptr, size_t bytes) { return cudaMalloc(ptr, bytes); }
cudaError_t cudaFreeHost(void* ptr) { return cudaFree(ptr); }
cudaError_t cudaMemcpy(void* dst, const void* src, size_t bytes, cudaMemcpyKind) {
  if (capturing()) return fail(cudaErrorStreamCaptureUnsupported);
  if (bytes) std::memmove(dst, src, bytes);
  return cudaSuccess;
}
cudaError_t cudaMemcpyAsync(void* dst, const void* src, size_t bytes, cudaMemcpyKind, cudaStream_t stream) {
  srt::emu::enqueue(stream, [=]() {
    if (bytes) std::memmove(dst, src, bytes);
  });
  return cudaSuccess;
}
cudaError_t cudaMemsetAsync(void* dst, int value, size_t bytes, cudaStream_t stream) {
  srt::emu::enqueue(stream, [=]() { std::memset(dst, value, bytes); });
  return cudaSuccess;
}
cudaError_t cudaStreamCreateWithFlags(cudaStream_t* stream, unsigned) {
  *stream = new CUstream_st();
  return cudaSuccess;
}
cudaError_t cudaStreamDestroy(cudaStream_t stream) {
  delete stream;
  return cudaSuccess;
}
cudaError_t cudaStreamSynchronize(cudaStream_t stream) {
  if (capturing()) return fail(cudaErrorStreamCaptureUnsupported);
  return cudaSuccess;
}
cudaError_t cudaDeviceSynchronize() { return cudaStreamSynchronize(nullptr); }
cudaError_t cudaStreamBeginCapture(cudaStream_t stream, cudaStreamCaptureMode) {
  if (!stream || stream->capturing) return fail(cudaErrorIllegalState);
  stream->capturing = true;
  stream->recorded.clear();
  ++srt::emu::sched.captures;
  return cudaSuccess;
}
cudaError_t cudaStreamEndCapture(cudaStream_t stream, cudaGraph_t* graph) {
  if (!stream || !stream->capturing) return fail(cudaErrorIllegalState);
  stream->capturing = false;
  --srt::emu::sched.captures;
  *graph = new CUgraph_st{std::move(stream->recorded)};
  stream->recorded.clear();
  return cudaSuccess;
}
cudaError_t cudaGraphInstantiate(cudaGraphExec_t* exec, cudaGraph_t graph, unsigned long long) {
  *exec = new CUgraphExec_st{graph->ops};
  return cudaSuccess;
}
cudaError_t cudaGraphLaunch(cudaGraphExec_t exec, cudaStream_t stream) {
  for (auto& op : exec->ops) srt::emu::enqueue(stream, op);
  return cudaSuccess;
}
cudaError_t cudaGraphDestroy(cudaGraph_t graph) {
  delete graph;
  return cudaSuccess;
}
cudaError_t cudaGraphExecDestroy(cudaGraphExec_t exec) {
  delete exec;
  return cudaSuccess;
}
cudaError_t cudaGetLastError() {
  cudaError_t e = srt::emu::sched.last_error;
  srt::emu::sched.last_error = cudaSuccess;
  return e;
}
cudaError_t cudaPeekAtLastError() { return srt::emu::sched.last_error; }
const char* cudaGetErrorString(cudaError_t error) {
  switch (error) {
    case cudaSuccess: return "no error";
    case cudaErrorInvalidValue: return "invalid argument";
    case cudaErrorMemoryAllocation: return "out of memory";
    case cudaErrorInvalidConfiguration: return "invalid configuration argument";
    case cudaErrorInsufficientDriver: return "CUDA driver version is insufficient for CUDA runtime version";
    case cudaErrorNoDevice: return "no CUDA-capable device is detected";
    case cudaErrorIllegalState: return "the operation is not permitted in this state";
    case cudaErrorLaunchFailure: return "unspecified launch failure";
    case cudaErrorStreamCaptureUnsupported: return "operation not permitted when stream is capturing";
    case cudaErrorStreamCaptureInvalidated: return "operation failed due to a previous error during capture";
  }
  return "unknown error";
}
cudaError_t cudaSetDevice(int device) { return device == 0 ? cudaSuccess : fail(cudaErrorInvalidValue); }
cudaError_t cudaGetDevice(int* device) {
  *device = 0;
  return cudaSuccess;
}
cudaError_t cudaMemGetInfo(size_t* free_bytes, size_t* total_bytes) {
  *free_bytes = size_t(8) << 30;
  *total_bytes = size_t(8) << 30;
  return cudaSuccess;
}
