//===- ThreadPool.h - Fixed-size pool for data-parallel loops -----*- C++ -*-===//
//
// Kernels split their outer loops with parallelFor. Results never depend on
// the number of threads: work is split into fixed chunks and every chunk
// computes the same values whichever thread runs it.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_RT_THREADPOOL_H
#define VITC_RT_THREADPOOL_H

#include <cstdint>
#include <functional>
#include <memory>

namespace vitc::rt {

class ThreadPool {
public:
  /// threads == 0 picks std::thread::hardware_concurrency(). The calling
  /// thread takes part in the work, so a pool of n threads starts n-1 workers.
  explicit ThreadPool(int threads = 0);
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  int threads() const;

  /// Calls body(begin, end) on disjoint chunks covering [0, n), each chunk at
  /// least `grain` long (except the last), and returns when all are done.
  /// Exceptions thrown by body are rethrown on the calling thread (first one
  /// wins). Nested calls from inside body run serially.
  void parallelFor(int64_t n, int64_t grain,
                   const std::function<void(int64_t, int64_t)> &body);

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// parallelFor on `pool`, or a plain serial call when pool is null.
void parallelFor(ThreadPool *pool, int64_t n, int64_t grain,
                 const std::function<void(int64_t, int64_t)> &body);

} // namespace vitc::rt

#endif // VITC_RT_THREADPOOL_H
