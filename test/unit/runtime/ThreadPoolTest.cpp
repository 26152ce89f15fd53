//===- ThreadPoolTest.cpp - parallelFor coverage, chunking, errors --------===//
#include "vitc/rt/ThreadPool.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace vitc::rt;

namespace {

/// The (begin, end) chunks one parallelFor call hands out, sorted.
std::vector<std::pair<int64_t, int64_t>> chunksOf(ThreadPool &pool, int64_t n, int64_t grain) {
  std::mutex mutex;
  std::vector<std::pair<int64_t, int64_t>> chunks;
  pool.parallelFor(n, grain, [&](int64_t begin, int64_t end) {
    std::lock_guard<std::mutex> lock(mutex);
    chunks.push_back({begin, end});
  });
  std::sort(chunks.begin(), chunks.end());
  return chunks;
}

} // namespace

TEST_CASE("parallelFor covers the range once in chunks of at least grain",
          "[runtime][threadpool]") {
  for (int threads : {1, 2, 3, 8}) {
    ThreadPool pool(threads);
    CHECK(pool.threads() == threads);
    for (int64_t n : {1, 2, 7, 64, 1000, 100003})
      for (int64_t grain : {1, 3, 100, 5000}) {
        INFO("threads=" << threads << " n=" << n << " grain=" << grain);
        auto chunks = chunksOf(pool, n, grain);
        REQUIRE(!chunks.empty());
        CHECK(chunks.front().first == 0);
        CHECK(chunks.back().second == n);
        CHECK(static_cast<int>(chunks.size()) <= threads);
        for (size_t i = 0; i < chunks.size(); ++i) {
          if (i + 1 < chunks.size()) {
            CHECK(chunks[i].second == chunks[i + 1].first);
            CHECK(chunks[i].second - chunks[i].first >= grain);
          }
        }
      }
  }
}

TEST_CASE("parallelFor chunking is deterministic", "[runtime][threadpool]") {
  ThreadPool pool(3);
  auto first = chunksOf(pool, 1000, 7);
  for (int repeat = 0; repeat < 50; ++repeat)
    CHECK(chunksOf(pool, 1000, 7) == first);
  CHECK(first.size() == 3);
}

TEST_CASE("parallelFor runs many back-to-back jobs correctly", "[runtime][threadpool]") {
  ThreadPool pool(2);
  std::vector<int64_t> data(4096, 1);
  for (int call = 0; call < 20000; ++call) {
    std::atomic<int64_t> sum{0};
    pool.parallelFor(static_cast<int64_t>(data.size()), 64, [&](int64_t begin, int64_t end) {
      int64_t local = 0;
      for (int64_t i = begin; i < end; ++i)
        local += data[i];
      sum += local;
    });
    if (sum.load() != 4096) {
      FAIL("call " << call << " summed " << sum.load());
    }
  }
}

TEST_CASE("workers that went to sleep wake up for the next job", "[runtime][threadpool]") {
  ThreadPool pool(3);
  for (int call = 0; call < 20; ++call) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2)); // idle workers block
    std::atomic<int64_t> count{0};
    pool.parallelFor(3, 1, [&](int64_t begin, int64_t end) { count += end - begin; });
    CHECK(count.load() == 3);
  }
}

TEST_CASE("parallelFor rethrows the body's exception on the caller", "[runtime][threadpool]") {
  ThreadPool pool(3);
  CHECK_THROWS_WITH(pool.parallelFor(300, 1,
                                     [](int64_t begin, int64_t end) {
                                       if (begin <= 150 && 150 < end)
                                         throw std::runtime_error("chunk failed");
                                     }),
                    "chunk failed");
  // The pool still works afterwards.
  std::atomic<int64_t> count{0};
  pool.parallelFor(300, 1, [&](int64_t begin, int64_t end) { count += end - begin; });
  CHECK(count.load() == 300);
  // Also when the serial path throws.
  ThreadPool single(1);
  CHECK_THROWS_AS(single.parallelFor(3, 1, [](int64_t, int64_t) { throw std::logic_error("x"); }),
                  std::logic_error);
}

TEST_CASE("nested parallelFor calls run serially inside the chunk", "[runtime][threadpool]") {
  ThreadPool pool(2);
  std::atomic<int> innerCalls{0};
  std::atomic<int64_t> covered{0};
  pool.parallelFor(2, 1, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i)
      pool.parallelFor(100, 1, [&](int64_t lo, int64_t hi) {
        ++innerCalls;
        CHECK(lo == 0);
        CHECK(hi == 100);
        covered += hi - lo;
      });
  });
  CHECK(innerCalls.load() == 2);
  CHECK(covered.load() == 200);
}

TEST_CASE("a single-chunk call may still use the pool inside", "[runtime][threadpool]") {
  ThreadPool pool(2);
  std::set<std::thread::id> ids;
  std::mutex mutex;
  // n <= grain: runs on the caller, which is not inside a parallel region.
  pool.parallelFor(1, 1, [&](int64_t, int64_t) {
    for (int repeat = 0; repeat < 200 && ids.size() < 2; ++repeat)
      pool.parallelFor(2, 1, [&](int64_t, int64_t) {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        std::lock_guard<std::mutex> lock(mutex);
        ids.insert(std::this_thread::get_id());
      });
  });
  CHECK(ids.size() == 2);
}

TEST_CASE("two threads may share one pool", "[runtime][threadpool]") {
  ThreadPool pool(2);
  std::atomic<int64_t> total{0};
  auto work = [&] {
    for (int call = 0; call < 2000; ++call)
      pool.parallelFor(100, 10, [&](int64_t begin, int64_t end) { total += end - begin; });
  };
  std::thread other(work);
  work();
  other.join();
  CHECK(total.load() == 2 * 2000 * 100);
}

TEST_CASE("parallelFor without a pool is a serial call", "[runtime][threadpool]") {
  std::vector<std::pair<int64_t, int64_t>> calls;
  parallelFor(nullptr, 10, 3, [&](int64_t begin, int64_t end) { calls.push_back({begin, end}); });
  REQUIRE(calls.size() == 1);
  CHECK(calls[0] == std::make_pair<int64_t, int64_t>(0, 10));
  parallelFor(nullptr, 0, 1, [&](int64_t, int64_t) { FAIL("called for an empty range"); });
  ThreadPool pool(2);
  pool.parallelFor(0, 1, [&](int64_t, int64_t) { FAIL("called for an empty range"); });
  CHECK(ThreadPool().threads() >= 1);
}
