// SPDX-License-Identifier: MIT
#include "live_toggle.h"

#include <benchmark/benchmark.h>
#include <sched.h>
#include <sys/resource.h>

#include <atomic>
#include <thread>

#include "altpv/hosted/live_stats.h"
#include "altpv/key.h"
#include "hosted/process_text_writer.h"

namespace altpv::bench {
namespace {

constexpr int kRunners[] = {0, 2, 8};

// Runners at nice 10, as in the stress test: at main's priority, eight busy
// threads on a few CPUs would measure the scheduler, not the toggle. They
// still take every CPU main leaves, including while it waits in a sync.
constexpr int kRunnerNice = 10;

Key g_bench_key;

// Two sites of the key: an immediate load, and an add/xor (different first
// bytes), as in tests/hosted/key_test_sites.cpp.
[[gnu::noinline]] unsigned bench_key_sites(unsigned x) {
  asm volatile(ALTPV_KEY_SITE(ALTPV_KEY_REF, "add $0x0b0b0b0b, %%eax", "xor $0x0d0d0d0d, %%eax")
               : "+a"(x)
               : ALTPV_KEY_OPERAND(g_bench_key)
               : "cc");
  unsigned v;
  asm volatile(ALTPV_KEY_SITE(ALTPV_KEY_REF, "mov $2, %%eax", "mov $1, %%eax")
               : "=a"(v)
               : ALTPV_KEY_OPERAND(g_bench_key));
  return x + v;
}

void run_sites(const std::atomic<bool>& stop, std::atomic<int>& running) {
  setpriority(PRIO_PROCESS, 0, kRunnerNice);
  running.fetch_add(1);
  for (unsigned x = 0; !stop.load(std::memory_order_relaxed); ++x) {
    benchmark::DoNotOptimize(bench_key_sites(x));
  }
}

void toggle(benchmark::State& state, int runners) {
  std::atomic<bool> stop{false};
  std::atomic<int> running{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < runners; ++i)
    threads.emplace_back(run_sites, std::cref(stop), std::ref(running));
  while (running.load() < runners) sched_yield();

  const hosted::LiveStats before = hosted::live_stats();
  bool on = g_bench_key.enabled();
  for (auto _ : state) {
    on = !on;
    const KeySwitch s = g_bench_key.set(on);
    if (!s.ok || s.written != 2) {
      state.SkipWithError(s.ok ? "a toggle did not rewrite both sites" : s.error);
      break;
    }
  }
  const hosted::LiveStats after = hosted::live_stats();
  stop = true;
  for (std::thread& t : threads) t.join();

  const auto toggles = static_cast<double>(state.iterations());
  state.counters[kTogglesPerSecond] = benchmark::Counter(toggles, benchmark::Counter::kIsRate);
  state.counters[kSyncsPerToggle] = static_cast<double>(after.syncs - before.syncs) / toggles;
  state.counters[kWritesPerToggle] = static_cast<double>(after.writes - before.writes) / toggles;
  state.counters[kInt3HitsPerToggle] =
      static_cast<double>(after.int3_hits - before.int3_hits) / toggles;
}

// One membarrier SYNC_CORE round (plus CPUID here), what a toggle pays
// three times.
void sync_only(benchmark::State& state) {
  hosted::ProcessTextWriter writer;
  if (!writer.syncs_every_cpu())
    state.SkipWithError("no MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE");
  for (auto _ : state) writer.sync();
}

}  // namespace

std::vector<LiveCase> register_live_toggle() {
  // The out-of-line copies are made by the first switch each way; make them
  // now, so every measured toggle is a steady-state one.
  g_bench_key.enable();
  g_bench_key.disable();
  std::vector<LiveCase> cases;
  for (const int runners : kRunners) {
    std::string name = "live/toggle/runners:" + std::to_string(runners);
    // Wall-clock time: a toggle mostly waits for the syncs to reach every CPU.
    benchmark::RegisterBenchmark(name.c_str(), toggle, runners)
        ->Unit(benchmark::kMicrosecond)
        ->UseRealTime();
    cases.push_back(LiveCase{std::move(name), runners});
  }
  benchmark::RegisterBenchmark(kSyncBenchmark, sync_only)
      ->Unit(benchmark::kMicrosecond)
      ->UseRealTime();
  return cases;
}

}  // namespace altpv::bench
