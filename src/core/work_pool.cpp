#include "core/work_pool.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace palermo {

namespace {

// One forEach call: its tasks are claimed one index at a time by whoever runs it.
struct Job {
  const std::function<void(std::size_t)>* fn = nullptr;
  std::size_t n = 0;
  std::atomic<std::size_t> next{0};
  std::size_t finished = 0;  // under the pool's mutex
  std::exception_ptr error;  // the first, under the pool's mutex
};

}  // namespace

struct WorkPool::State {
  std::mutex mutex;
  std::condition_variable work;  // a job was queued, or the pool stops
  std::condition_variable done;  // a task finished
  std::deque<Job*> queue;        // jobs with indices left to claim
  std::vector<std::thread> workers;
  bool stopping = false;

  // Runs task i of `job` (claimed by the caller: the job cannot finish before it has run).
  void run(Job& job, std::size_t i) {
    std::exception_ptr error;
    try {
      (*job.fn)(i);
    } catch (...) {
      error = std::current_exception();
    }
    std::lock_guard lock(mutex);
    if (error && !job.error) job.error = error;
    if (++job.finished == job.n) done.notify_all();
  }

  void workerLoop() {
    std::unique_lock lock(mutex);
    for (;;) {
      work.wait(lock, [&] { return stopping || !queue.empty(); });
      if (stopping) return;
      Job* job = queue.front();
      // Claimed under the lock: the job's owner cannot see it finished (and let it go out of
      // scope) before this task has run.
      const std::size_t i = job->next.fetch_add(1);
      if (i >= job->n) {  // every index claimed: no longer anyone's work
        queue.pop_front();
        continue;
      }
      lock.unlock();
      run(*job, i);
      lock.lock();
    }
  }
};

WorkPool& WorkPool::shared() {
  static WorkPool pool([] {
    unsigned total = std::max(1u, std::thread::hardware_concurrency());
    if (const char* env = std::getenv("PALERMO_THREADS")) {
      const long v = std::strtol(env, nullptr, 10);
      if (v >= 1 && v <= 256) total = static_cast<unsigned>(v);
    }
    return total - 1;
  }());
  return pool;
}

WorkPool::WorkPool(unsigned workers) : state_(std::make_unique<State>()) {
  for (unsigned k = 0; k < workers; ++k) state_->workers.emplace_back([s = state_.get()] { s->workerLoop(); });
}

WorkPool::~WorkPool() {
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
  }
  state_->work.notify_all();
  for (auto& t : state_->workers) t.join();
}

unsigned WorkPool::parallelism() const { return static_cast<unsigned>(state_->workers.size()) + 1; }

void WorkPool::forEach(std::size_t n, const std::function<void(std::size_t)>& fn) {
  if (n == 0) return;
  Job job;
  job.fn = &fn;
  job.n = n;
  State& s = *state_;
  if (n > 1 && !s.workers.empty()) {
    {
      std::lock_guard lock(s.mutex);
      s.queue.push_back(&job);
    }
    s.work.notify_all();
  }
  for (std::size_t i; (i = job.next.fetch_add(1)) < n;) s.run(job, i);
  std::unique_lock lock(s.mutex);
  s.done.wait(lock, [&] { return job.finished == job.n; });
  // Workers drop a job from the queue once its indices are all claimed; make sure it is gone
  // before it goes out of scope.
  s.queue.erase(std::remove(s.queue.begin(), s.queue.end(), &job), s.queue.end());
  if (job.error) std::rethrow_exception(job.error);
}

}  // namespace palermo
