// A persistent pool of worker threads, one per Engine (never process-global), sized by the
// model's `threads` option. parallel_for splits a range into chunks that the workers and the
// calling thread take in turn; several runs may use the same pool at once. Handing out work
// allocates nothing: the job lives on the caller's stack and the queue's capacity is reserved.
// Waking a sleeping thread costs tens of microseconds (more in VMs), so a worker that finished a
// job, and a caller waiting for a job's last chunks, spin for a short while (kSpin) before sleeping:
// the parallel regions of one run follow each other closely.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "kernel.h"

namespace srt {

// Work for a pool's lead thread (ThreadPool::post_to_lead): run() is called there once; the task
// owns its completion (it may free itself at the end of run()).
struct LeadTask {
  virtual void run() noexcept = 0;

 protected:
  ~LeadTask() = default;
};

class ThreadPool {
 public:
  explicit ThreadPool(int threads);  // threads - 1 workers; the caller is the last thread
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int threads() const { return static_cast<int>(workers_.size()) + 1; }
  // Runs fn(begin, end) over [0, n) in chunks; returns when all are done. An exception thrown
  // by fn is rethrown here (the first one, after every chunk has finished).
  void parallel_for(int64_t n, RangeFn fn);

  // Runs fn on the pool's lead thread (one more persistent thread, which then takes the part of
  // the caller in fn's parallel_for calls) and returns when it has finished, rethrowing what it
  // threw; the calling thread sleeps meanwhile: a thread that stays where the scheduler put it, next
  // to workers that do the same, runs multi-threaded work with far less variance than a
  // short-lived one. The blocking form of post_to_lead (the GEMM micro-benchmark uses it). Calls
  // from several threads queue.
  void run_on_lead(FunctionRef<void()> fn);
  // Queues `task` for the lead thread and returns at once. After a task the lead spins briefly
  // for the next one (kLeadSpin) before sleeping, so back-to-back posts cost no wake-up.
  void post_to_lead(LeadTask* task);

 private:
  struct Job;
  void worker();
  void run_chunks(Job& job);

  void lead();

  std::vector<std::thread> workers_;
  std::thread lead_;                  // started by the first post_to_lead
  std::vector<LeadTask*> lead_tasks_; // waiting for the lead, oldest first (guarded by mutex_)
  std::condition_variable lead_wake_; // the lead: a task was queued (or stop)
  bool lead_sleeping_ = false;        // the lead waits on lead_wake_ (guarded by mutex_)
  std::atomic<bool> lead_queued_{false};  // !lead_tasks_.empty() || stop_, for spinning
  std::mutex mutex_;                  // guards jobs_, stop_ and every job's `active` and `error`
  std::condition_variable wake_;      // workers: a job was queued (or stop)
  std::condition_variable finished_;  // callers: a job may have finished
  std::vector<Job*> jobs_;            // jobs with chunks left, oldest first (on their callers' stacks)
  bool stop_ = false;
  std::atomic<bool> queued_{false};   // !jobs_.empty() || stop_, for spinning without the lock
};

}  // namespace srt
