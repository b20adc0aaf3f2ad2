// SPDX-License-Identifier: MIT
// Live switching under load: T threads run the two sites of a key in a tight
// loop, classify every result by the state that produced it, and count;
// main switches the key N times. Exit 0 only with every switch done, no
// wrong result, counters that add up, both states seen, and int3 traps
// taken (the protocol's hard path ran).
//
//   altpv_key_stress [toggles] [threads]      (defaults 100000 and 8)
#include <sched.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "altpv/hosted/live_stats.h"
#include "key_test_sites.h"

namespace {

using altpv::testing::arithmetic_site;
using altpv::testing::value_site;

// One thread's counts, on their own cache lines.
struct alignas(64) Counts {
  std::uint64_t calls = 0;
  std::uint64_t enabled = 0;   // results of the enabled state
  std::uint64_t disabled = 0;  // results of the disabled state
  std::uint64_t wrong = 0;     // anything else
};

void classify(unsigned result, unsigned if_enabled, unsigned if_disabled, Counts& c) {
  ++c.calls;
  if (result == if_enabled) {
    ++c.enabled;
  } else if (result == if_disabled) {
    ++c.disabled;
  } else {
    ++c.wrong;
  }
}

// Workers run at nice 10: on few CPUs, eight busy threads at main's priority
// would leave main a ninth of the time, and the run would take minutes.
// They still run whenever a CPU is free, which includes every moment main
// waits for a write or a sync.
constexpr int kWorkerNice = 10;

void run(const std::atomic<bool>& stop, std::atomic<int>& running, Counts& c) {
  setpriority(PRIO_PROCESS, 0, kWorkerNice);  // this thread only (Linux)
  running.fetch_add(1);
  for (unsigned x = 0; !stop.load(std::memory_order_relaxed); ++x) {
    classify(value_site(), altpv::testing::kValueEnabled, altpv::testing::kValueDisabled, c);
    classify(arithmetic_site(x), x + altpv::testing::kAddEnabled, x ^ altpv::testing::kXorDisabled,
             c);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const long toggles = argc > 1 ? std::atol(argv[1]) : 100000;
  const int thread_count = argc > 2 ? std::atoi(argv[2]) : 8;
  if (toggles <= 0 || thread_count <= 0) {
    std::fprintf(stderr, "usage: %s [toggles > 0] [threads > 0]\n", argv[0]);
    return 2;
  }
  std::atomic<bool> stop{false};
  std::atomic<int> running{0};
  std::vector<Counts> counts(static_cast<std::size_t>(thread_count));
  std::vector<std::thread> threads;
  for (Counts& c : counts)
    threads.emplace_back(run, std::cref(stop), std::ref(running), std::ref(c));
  while (running.load() < thread_count) sched_yield();

  const altpv::hosted::LiveStats before = altpv::hosted::live_stats();
  const auto start = std::chrono::steady_clock::now();
  long failed = 0;
  for (long i = 0; i < toggles; ++i) {
    const altpv::KeySwitch s = altpv::testing::g_toggled.set(i % 2 == 0);
    if (!s.ok || s.written != 2) {
      if (failed++ == 0) std::fprintf(stderr, "switch %ld: %s\n", i, s.error ? s.error : "");
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const altpv::hosted::LiveStats after = altpv::hosted::live_stats();
  stop = true;
  for (std::thread& t : threads) t.join();

  Counts total;
  bool add_up = true;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    const Counts& c = counts[i];
    add_up = add_up && c.enabled + c.disabled + c.wrong == c.calls;
    std::printf(
        "thread %zu: calls=%llu enabled=%llu disabled=%llu wrong=%llu\n", i,
        static_cast<unsigned long long>(c.calls), static_cast<unsigned long long>(c.enabled),
        static_cast<unsigned long long>(c.disabled), static_cast<unsigned long long>(c.wrong));
    total.calls += c.calls;
    total.enabled += c.enabled;
    total.disabled += c.disabled;
    total.wrong += c.wrong;
  }
  const std::uint64_t syncs = after.syncs - before.syncs;
  const std::uint64_t hits = after.int3_hits - before.int3_hits;
  std::printf(
      "total: threads=%d toggles=%ld failed_switches=%ld calls=%llu enabled=%llu "
      "disabled=%llu wrong=%llu add_up=%d\n",
      thread_count, toggles, failed, static_cast<unsigned long long>(total.calls),
      static_cast<unsigned long long>(total.enabled),
      static_cast<unsigned long long>(total.disabled), static_cast<unsigned long long>(total.wrong),
      add_up ? 1 : 0);
  std::printf(
      "cost: syncs=%llu (%.2f per toggle) int3_hits=%llu (%.3f per toggle) "
      "toggles_per_second=%.0f\n",
      static_cast<unsigned long long>(syncs), static_cast<double>(syncs) / toggles,
      static_cast<unsigned long long>(hits), static_cast<double>(hits) / toggles,
      toggles / seconds);
  const bool ok = failed == 0 && total.wrong == 0 && add_up && total.enabled > 0 &&
                  total.disabled > 0 && hits > 0;
  std::printf("%s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}
