// SPDX-License-Identifier: MIT
// A fresh process for the start-up tests, patched as it loaded under the
// environment it was started with.
//
//   process_helper startup [backend]
//     patch_process_at_startup() once more, with the test backend if asked;
//     prints the counts and how many sites still hold their original bytes.
//   process_helper race [backend]
//     the new user's race: 4 threads run cpu_number() and which_alternative()
//     in a loop while main calls patch_process_at_startup(), then patches
//     for other features. Prints what main got and what the threads saw.
//   process_helper trap handler|default|ignored
//     the program's SIGTRAP disposition (a counting handler, SIG_DFL,
//     SIG_IGN) is set before a key switch installs altpv's handler; then a
//     raised SIGTRAP and an int3 that are not altpv's.
#include <sched.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

#include "altpv/cpu_ops.h"
#include "altpv/hosted/process.h"
#include "key_test_sites.h"
#include "test_sites.h"

namespace {

using altpv::hosted::PatchResult;

std::size_t sites_holding_original() {
  const altpv::SiteTable table = altpv::hosted::process_site_table();
  std::size_t n = 0;
  for (const altpv::SiteRecord* r = table.sites_begin; r != table.sites_end; ++r) {
    n += std::memcmp(reinterpret_cast<const void*>(r->site_address()),
                     reinterpret_cast<const void*>(r->orig_address()), r->len) == 0;
  }
  return n;
}

void print(const char* what, const PatchResult& r) {
  std::printf("%s: ok=%d sites=%zu patched=%zu unchanged=%zu refused=%zu\n", what, r.ok ? 1 : 0,
              r.stats.sites, r.stats.patched, r.stats.unchanged, r.stats.refused);
}

// What the threads saw: a cpu_number() that neither sched_getcpu() around it
// gave, or a which_alternative() other than the one the sites hold.
struct Observed {
  std::atomic<int> running{0};
  std::atomic<std::uint64_t> calls{0};
  std::atomic<std::uint64_t> wrong{0};
};

// Bursts of calls, then a yield: four threads spinning on few CPUs would
// hold main off for whole time slices, and the runs would take seconds.
constexpr int kBurst = 256;

void run_sites(const std::atomic<bool>& stop, unsigned expected, Observed& seen) {
  seen.running.fetch_add(1);
  while (!stop.load(std::memory_order_relaxed)) {
    for (int i = 0; i < kBurst; ++i) {
      const int before = sched_getcpu();
      const unsigned cpu = altpv::cpu_number();
      const int after = sched_getcpu();
      const bool cpu_ok =
          cpu == static_cast<unsigned>(before) || cpu == static_cast<unsigned>(after);
      const bool value_ok = altpv::testing::which_alternative() == expected;
      if (!cpu_ok || !value_ok) seen.wrong.fetch_add(1, std::memory_order_relaxed);
    }
    seen.calls.fetch_add(kBurst, std::memory_order_relaxed);
    sched_yield();
  }
}

int race(const altpv::Backend* backend) {
  const altpv::FeatureSet decided = altpv::hosted::process_decision().features;
  const unsigned expected = altpv::testing::expected_alternative(decided, false);
  std::atomic<bool> stop{false};
  Observed seen;
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back(run_sites, std::cref(stop), expected, std::ref(seen));
  while (seen.running.load() < 4) sched_yield();
  print("startup", altpv::hosted::patch_process_at_startup(backend));
  // Features under which cpu_number() and which_alternative() change.
  altpv::FeatureSet other = decided;
  other.set(altpv::Feature::Rdpid, !decided.has(altpv::Feature::Rdpid));
  other.set(altpv::Feature::Pv, !decided.has(altpv::Feature::Pv));
  print("other", altpv::hosted::patch_process(other, backend));
  stop = true;
  for (std::thread& t : threads) t.join();
  std::printf("threads: calls=%llu wrong=%llu\n",
              static_cast<unsigned long long>(seen.calls.load()),
              static_cast<unsigned long long>(seen.wrong.load()));
  return 0;
}

volatile sig_atomic_t g_program_handler_calls = 0;

void program_handler(int, siginfo_t*, void*) {
  g_program_handler_calls = g_program_handler_calls + 1;
}

int trap(const char* disposition) {
  std::setvbuf(stdout, nullptr, _IONBF, 0);  // some dispositions end in death by SIGTRAP
  struct sigaction program {};
  sigemptyset(&program.sa_mask);
  if (std::strcmp(disposition, "handler") == 0) {
    program.sa_sigaction = program_handler;
    program.sa_flags = SA_SIGINFO;
  } else {
    program.sa_handler = std::strcmp(disposition, "ignored") == 0 ? SIG_IGN : SIG_DFL;
  }
  sigaction(SIGTRAP, &program, nullptr);
  const altpv::KeySwitch on = altpv::testing::g_toggled.enable();
  struct sigaction now {};
  sigaction(SIGTRAP, nullptr, &now);
  std::printf("switch: ok=%d altpv_handler=%d\n", on.ok ? 1 : 0,
              now.sa_sigaction != program.sa_sigaction ? 1 : 0);
  raise(SIGTRAP);
  std::printf("raised: handler_calls=%d\n", static_cast<int>(g_program_handler_calls));
  asm volatile("int3");
  std::printf("int3: handler_calls=%d\n", static_cast<int>(g_program_handler_calls));
  // The key still switches, and its sites follow.
  const bool off = altpv::testing::g_toggled.disable().ok &&
                   altpv::testing::value_site() == altpv::testing::kValueDisabled;
  std::printf("after: switches=%d\n", off ? 1 : 0);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  altpv::testing::TestBackend test_backend;
  const altpv::Backend* backend =
      argc > 2 && std::strcmp(argv[2], "backend") == 0 ? &test_backend : nullptr;
  if (std::strcmp(argv[1], "startup") == 0) {
    print("startup", altpv::hosted::patch_process_at_startup(backend));
    std::printf("state: originals=%zu\n", sites_holding_original());
    return 0;
  }
  if (std::strcmp(argv[1], "race") == 0) return race(backend);
  if (std::strcmp(argv[1], "trap") == 0 && argc > 2) return trap(argv[2]);
  return 2;
}
