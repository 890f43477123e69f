// A bounded pool of worker threads for CPU-bound work split into independent tasks (the
// statistics engine evaluates the figures of a report on it). One pool per process, sized to
// the machine: the caller of forEach works too, so a pool of N - 1 workers keeps N cores busy,
// and several callers at once share the same workers instead of starting threads of their own.
#pragma once
#include <cstddef>
#include <functional>
#include <memory>

namespace palermo {

class WorkPool {
 public:
  // The process's pool: hardware_concurrency() - 1 workers (PALERMO_THREADS=N sets the total
  // to N; 1 runs everything on the caller's thread).
  static WorkPool& shared();

  explicit WorkPool(unsigned workers);
  ~WorkPool();
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  // Threads that may run tasks of one forEach: the workers and the caller.
  [[nodiscard]] unsigned parallelism() const;

  // Calls fn(i) for every i in [0, n), on the workers and on the calling thread, and returns
  // when all calls have returned. A task may itself call forEach (the caller works on its own
  // tasks while it waits, so nesting cannot starve). The first exception thrown by a task is
  // rethrown here, after every task has run.
  void forEach(std::size_t n, const std::function<void(std::size_t)>& fn);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace palermo
