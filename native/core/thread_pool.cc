#include "thread_pool.h"

#include <algorithm>
#include <atomic>
#include <exception>

#include <chrono>

namespace srt {

namespace {

constexpr auto kSpin = std::chrono::microseconds(50);
// The lead thread, between tasks: runs are posted a JavaScript round trip apart (tens of µs), and
// waking a sleeping thread costs about as much again on a VM.
constexpr auto kLeadSpin = std::chrono::microseconds(200);

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Spins until ready() or `spin` has passed; returns ready().
template <class Ready>
bool spin_until(Ready ready, std::chrono::microseconds spin = kSpin) {
  const auto until = std::chrono::steady_clock::now() + spin;
  for (int i = 1;; ++i) {
    if (ready()) return true;
    cpu_relax();
    if (i % 64 == 0 && std::chrono::steady_clock::now() > until) return ready();
  }
}

}  // namespace

struct ThreadPool::Job {
  explicit Job(RangeFn f) : fn(f) {}
  RangeFn fn;
  int64_t n = 0, chunk = 1, chunks = 0;
  std::atomic<int64_t> next{0};
  std::atomic<int64_t> done{0};
  std::atomic<int> active{0};  // workers that took the job and have not let go of it yet (changed under mutex_)
  std::exception_ptr error;
};

ThreadPool::ThreadPool(int threads) {
  jobs_.reserve(64);  // more concurrent jobs than this only grow it once
  lead_tasks_.reserve(16);
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { worker(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
    queued_ = true;
    lead_queued_ = true;
  }
  wake_.notify_all();
  lead_wake_.notify_all();
  for (std::thread& t : workers_) t.join();
  if (lead_.joinable()) lead_.join();
}

void ThreadPool::post_to_lead(LeadTask* task) {
  bool wake;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!lead_.joinable()) lead_ = std::thread([this] { lead(); });
    lead_tasks_.push_back(task);
    lead_queued_ = true;
    wake = lead_sleeping_;
  }
  if (wake) lead_wake_.notify_one();
}

void ThreadPool::run_on_lead(FunctionRef<void()> fn) {
  struct Call final : LeadTask {
    Call(ThreadPool& p, FunctionRef<void()> f) : pool(p), fn(f) {}
    void run() noexcept override {
      std::exception_ptr e;
      try {
        fn();
      } catch (...) {
        e = std::current_exception();
      }
      std::lock_guard<std::mutex> lock(pool.mutex_);
      error = e;
      done = true;
      finished.notify_one();  // under the lock: the call lives on its caller's stack
    }
    ThreadPool& pool;
    FunctionRef<void()> fn;
    bool done = false;  // guarded by pool.mutex_
    std::exception_ptr error;
    std::condition_variable finished;
  } call(*this, fn);
  post_to_lead(&call);
  std::unique_lock<std::mutex> lock(mutex_);
  call.finished.wait(lock, [&] { return call.done; });
  if (call.error) std::rethrow_exception(call.error);
}

void ThreadPool::lead() {
  for (;;) {
    LeadTask* task;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      if (lead_tasks_.empty() && !stop_) {
        lock.unlock();
        spin_until([this] { return lead_queued_.load(std::memory_order_acquire); }, kLeadSpin);
        lock.lock();
      }
      lead_sleeping_ = true;
      lead_wake_.wait(lock, [this] { return stop_ || !lead_tasks_.empty(); });
      lead_sleeping_ = false;
      if (lead_tasks_.empty()) return;  // stop_
      task = lead_tasks_.front();
      lead_tasks_.erase(lead_tasks_.begin());
      lead_queued_ = !lead_tasks_.empty();
    }
    task->run();
  }
}

// Takes chunks of `job` until none is left.
void ThreadPool::run_chunks(Job& job) {
  for (int64_t c = job.next.fetch_add(1); c < job.chunks; c = job.next.fetch_add(1)) {
    const int64_t begin = c * job.chunk, end = std::min(job.n, begin + job.chunk);
    try {
      job.fn(begin, end);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!job.error) job.error = std::current_exception();
    }
    job.done.fetch_add(1);
  }
}

void ThreadPool::worker() {
  for (;;) {
    Job* job;
    spin_until([this] { return queued_.load(std::memory_order_acquire); });
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
      if (stop_) return;
      job = jobs_.front();
      if (job->next.load() >= job->chunks) {  // nothing left to take: drop it from the queue
        jobs_.erase(jobs_.begin());
        queued_ = !jobs_.empty();
        continue;
      }
      ++job->active;  // the caller does not return (and free the job) while this is held
    }
    run_chunks(*job);
    bool last;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      last = --job->active == 0 && job->done.load() == job->chunks;
    }
    if (last) finished_.notify_all();
  }
}

void ThreadPool::parallel_for(int64_t n, RangeFn fn) {
  if (n <= 0) return;
  if (workers_.empty() || n == 1) {
    fn(0, n);
    return;
  }
  Job job(fn);
  job.n = n;
  job.chunks = std::min<int64_t>(n, static_cast<int64_t>(threads()) * 4);
  job.chunk = (n + job.chunks - 1) / job.chunks;
  job.chunks = (n + job.chunk - 1) / job.chunk;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    jobs_.push_back(&job);
    queued_ = true;
  }
  wake_.notify_all();
  run_chunks(job);
  // Every chunk done and no worker holding the job: only then may it leave this stack frame (the
  // check under the lock decides; spinning first only saves sleeping for a chunk about to finish).
  auto finished = [&] { return job.done.load() == job.chunks && job.active.load() == 0; };
  spin_until(finished);
  std::unique_lock<std::mutex> lock(mutex_);
  finished_.wait(lock, finished);
  auto it = std::find(jobs_.begin(), jobs_.end(), &job);
  if (it != jobs_.end()) jobs_.erase(it);
  queued_ = !jobs_.empty();
  if (job.error) std::rethrow_exception(job.error);
}

}  // namespace srt
