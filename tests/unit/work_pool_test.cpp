// The bounded work pool (core/work_pool.hpp): every task runs exactly once, on more than one
// thread when the pool has workers, nested calls finish, and a task's exception reaches the caller
// after the other tasks ran.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/work_pool.hpp"

using palermo::WorkPool;

TEST(WorkPool, RunsEveryTaskOnceOnSeveralThreads) {
  WorkPool pool(3);
  EXPECT_EQ(pool.parallelism(), 4u);
  std::vector<std::atomic<int>> runs(10000);
  std::mutex m;
  std::set<std::thread::id> threads;
  pool.forEach(runs.size(), [&](std::size_t i) {
    runs[i].fetch_add(1);
    if (i % 97 == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));  // let the workers in
    std::lock_guard lock(m);
    threads.insert(std::this_thread::get_id());
  });
  for (std::size_t i = 0; i < runs.size(); ++i) ASSERT_EQ(runs[i].load(), 1) << i;
  EXPECT_GT(threads.size(), 1u);
  pool.forEach(0, [](std::size_t) { FAIL() << "no task to run"; });
}

TEST(WorkPool, NestedCallsAndSeveralCallersFinish) {
  WorkPool pool(1);
  std::atomic<int> inner{0};
  std::vector<std::thread> callers;
  for (int c = 0; c < 3; ++c)
    callers.emplace_back([&] {
      pool.forEach(8, [&](std::size_t) { pool.forEach(16, [&](std::size_t) { inner.fetch_add(1); }); });
    });
  for (auto& t : callers) t.join();
  EXPECT_EQ(inner.load(), 3 * 8 * 16);
}

TEST(WorkPool, TheFirstExceptionReachesTheCallerAfterEveryTaskRan) {
  WorkPool pool(2);
  std::atomic<int> ran{0};
  EXPECT_THROW(pool.forEach(100,
                            [&](std::size_t i) {
                              ran.fetch_add(1);
                              if (i == 7) throw std::runtime_error("task 7");
                            }),
               std::runtime_error);
  EXPECT_EQ(ran.load(), 100);
  // The pool still works afterwards, and a pool without workers runs on the caller alone.
  std::atomic<int> after{0};
  pool.forEach(5, [&](std::size_t) { after.fetch_add(1); });
  EXPECT_EQ(after.load(), 5);
  WorkPool alone(0);
  EXPECT_EQ(alone.parallelism(), 1u);
  const auto caller = std::this_thread::get_id();
  alone.forEach(3, [&](std::size_t) { EXPECT_EQ(std::this_thread::get_id(), caller); });
}
