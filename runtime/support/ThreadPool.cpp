//===- ThreadPool.cpp - Persistent workers for parallelFor ----------------===//
//
// A pool of n threads keeps n-1 workers alive for its whole life; the thread
// that calls parallelFor takes part in the work. One call is one "job":
//
//  - [0, n) is cut into at most `threads` chunks of a size fixed by
//    (n, grain, threads) alone;
//  - the job is published through one atomic word, `claim_`, holding a
//    generation number (high half) and the index of the next unclaimed
//    chunk (low half). Everyone, the caller included, takes chunks with a
//    compare-and-swap on that whole word, so a worker that wakes up late
//    can only ever claim a chunk of the job it saw published;
//  - the caller waits for the chunks to be *done*, not for the workers:
//    if a worker is slow to wake (or its CPU is busy with another process),
//    the caller runs the remaining chunks itself and returns;
//  - before it rewrites the job description the caller closes the old
//    generation (low half = kClosed), so no late compare-and-swap succeeds
//    against a half-written job;
//  - idle workers spin briefly, then keep polling with sched_yield (which
//    hands the CPU to any other runnable thread), then sleep on a condition
//    variable.
//
// A body called from inside a job (nested parallelFor), or a second thread
// calling while the pool is busy, runs serially instead of waiting.
//
//===----------------------------------------------------------------------===//
#include "vitc/rt/ThreadPool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace vitc::rt {

namespace {

/// True on pool workers and on a caller while it runs chunks of a job.
thread_local bool insideParallelRegion = false;

void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#else
  std::this_thread::yield();
#endif
}

using Clock = std::chrono::steady_clock;
/// Idle workers: busy-wait this long, then poll with yields up to kPollFor,
/// then sleep.
constexpr std::chrono::microseconds kSpinFor{20};
constexpr std::chrono::microseconds kPollFor{500};

/// claim_ layout: generation << 32 | next chunk index.
constexpr uint64_t kIndexMask = 0xffffffffu;
constexpr uint64_t kClosed = kIndexMask;
uint64_t generationOf(uint64_t word) { return word >> 32; }

class ParallelRegion {
public:
  ParallelRegion() : previous_(insideParallelRegion) { insideParallelRegion = true; }
  ~ParallelRegion() { insideParallelRegion = previous_; }

private:
  bool previous_;
};

} // namespace

struct ThreadPool::Impl {
  explicit Impl(int threadCount);
  ~Impl();

  void run(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)> &body);
  void workerLoop();
  /// Claims and runs chunks of `generation` until none are left.
  void runChunks(uint64_t generation);
  /// Waits until claim_ shows a generation other than `seen`; returns it.
  uint64_t awaitJob(uint64_t seen);

  int threadCount;
  std::vector<std::thread> workers;
  std::mutex submitMutex; ///< one job at a time

  // The job description, rewritten only while claim_ is closed.
  std::atomic<const std::function<void(int64_t, int64_t)> *> body{nullptr};
  std::atomic<int64_t> rangeEnd{0}, chunkSize{0}, chunkCount{0};
  std::atomic<uint64_t> claim{kClosed};
  std::atomic<int64_t> chunksDone{0};
  std::atomic<bool> failed{false};
  std::exception_ptr firstError;
  std::mutex errorMutex;

  std::atomic<int> sleepers{0};
  std::atomic<bool> stopping{false};
  std::mutex sleepMutex;
  std::condition_variable wakeUp;
};

ThreadPool::Impl::Impl(int threadCount) : threadCount(threadCount) {
  workers.reserve(threadCount - 1);
  for (int i = 0; i + 1 < threadCount; ++i)
    workers.emplace_back([this] { workerLoop(); });
}

ThreadPool::Impl::~Impl() {
  {
    std::lock_guard<std::mutex> lock(sleepMutex);
    stopping.store(true);
    claim.store((generationOf(claim.load()) + 1) << 32 | kClosed);
  }
  wakeUp.notify_all();
  for (std::thread &worker : workers)
    worker.join();
}

void ThreadPool::Impl::runChunks(uint64_t generation) {
  ParallelRegion region;
  uint64_t word = claim.load();
  for (;;) {
    if (generationOf(word) != generation)
      return;
    int64_t chunk = static_cast<int64_t>(word & kIndexMask);
    // acquire: a count of the next job implies its generation was closed,
    // so the compare-and-swap below fails for a stale `word`.
    if (chunk >= chunkCount.load(std::memory_order_acquire))
      return; // all claimed, or closed
    if (!claim.compare_exchange_weak(word, word + 1))
      continue; // `word` now holds the current value
    // The chunk is ours: the job cannot finish, so its description is stable.
    if (!failed.load(std::memory_order_relaxed)) {
      int64_t size = chunkSize.load(std::memory_order_relaxed);
      int64_t begin = chunk * size;
      int64_t end = std::min(rangeEnd.load(std::memory_order_relaxed), begin + size);
      try {
        (*body.load(std::memory_order_relaxed))(begin, end);
      } catch (...) {
        std::lock_guard<std::mutex> lock(errorMutex);
        if (!firstError)
          firstError = std::current_exception();
        failed.store(true, std::memory_order_relaxed);
      }
    }
    chunksDone.fetch_add(1, std::memory_order_release);
    word = claim.load();
  }
}

uint64_t ThreadPool::Impl::awaitJob(uint64_t seen) {
  auto differs = [&](uint64_t word) { return generationOf(word) != seen; };
  uint64_t word = claim.load(std::memory_order_acquire);
  if (differs(word))
    return word;
  const Clock::time_point start = Clock::now();
  for (unsigned spins = 1;; ++spins) {
    word = claim.load(std::memory_order_acquire);
    if (differs(word))
      return word;
    if (spins % 32 != 0) {
      cpuRelax();
      continue;
    }
    Clock::duration idle = Clock::now() - start;
    if (idle < kSpinFor)
      continue;
    if (idle < kPollFor) {
      std::this_thread::yield();
      continue;
    }
    std::unique_lock<std::mutex> lock(sleepMutex);
    sleepers.fetch_add(1); // seq_cst: pairs with the caller's store to claim
    while (!differs(word = claim.load()))
      wakeUp.wait(lock);
    sleepers.fetch_sub(1);
    return word;
  }
}

void ThreadPool::Impl::workerLoop() {
  // Generation 0 is the state at construction (a worker may start running
  // only after the first job, or the destructor, has moved on).
  uint64_t seen = 0;
  for (;;) {
    seen = generationOf(awaitJob(seen));
    if (stopping.load())
      return;
    runChunks(seen);
  }
}

void ThreadPool::Impl::run(int64_t n, int64_t grain,
                           const std::function<void(int64_t, int64_t)> &jobBody) {
  int64_t size = std::max(grain, (n + threadCount - 1) / threadCount);
  int64_t count = (n + size - 1) / size;
  std::unique_lock<std::mutex> submit(submitMutex, std::try_to_lock);
  if (count <= 1 || !submit.owns_lock()) {
    jobBody(0, n); // a single chunk may still use the pool inside
    return;
  }
  // Close the previous generation, describe the job, then open it.
  uint64_t generation = generationOf(claim.load()) + 1;
  claim.store((generation - 1) << 32 | kClosed);
  body.store(&jobBody, std::memory_order_relaxed);
  rangeEnd.store(n, std::memory_order_relaxed);
  chunkSize.store(size, std::memory_order_relaxed);
  chunkCount.store(count, std::memory_order_release);
  chunksDone.store(0, std::memory_order_relaxed);
  failed.store(false, std::memory_order_relaxed);
  firstError = nullptr;
  claim.store(generation << 32); // seq_cst: publishes the job, pairs with sleepers
  if (sleepers.load() > 0) {
    std::lock_guard<std::mutex> lock(sleepMutex);
    wakeUp.notify_all();
  }
  runChunks(generation);
  // Chunks claimed by workers may still be running.
  for (unsigned spins = 1; chunksDone.load(std::memory_order_acquire) != count; ++spins) {
    if (spins < 256)
      cpuRelax();
    else
      std::this_thread::yield();
  }
  if (firstError)
    std::rethrow_exception(firstError);
}

ThreadPool::ThreadPool(int threads) {
  if (threads <= 0)
    threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  threads = std::min(threads, 1 << 16);
  impl_ = std::make_unique<Impl>(threads);
}

ThreadPool::~ThreadPool() = default;

int ThreadPool::threads() const { return impl_->threadCount; }

void ThreadPool::parallelFor(int64_t n, int64_t grain,
                             const std::function<void(int64_t, int64_t)> &body) {
  if (n <= 0)
    return;
  grain = std::max<int64_t>(grain, 1);
  if (insideParallelRegion || impl_->threadCount == 1 || n <= grain) {
    body(0, n);
    return;
  }
  impl_->run(n, grain, body);
}

void parallelFor(ThreadPool *pool, int64_t n, int64_t grain,
                 const std::function<void(int64_t, int64_t)> &body) {
  if (pool)
    pool->parallelFor(n, grain, body);
  else if (n > 0)
    body(0, n);
}

} // namespace vitc::rt
