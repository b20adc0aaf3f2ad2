// SPDX-License-Identifier: MIT
#include "live_stress.h"

#include "boot.h"
#include "bounded_wait.h"
#include "console.h"
#include "expect.h"
#include "hypercall.h"
#include "live_keys.h"
#include "smp.h"

namespace altpv::guest {
namespace {

using altpv::testbed::Counters;
using altpv::testbed::Hypercall;

// Bounded waits: each spin is a few emulated instructions (~1 us each).
constexpr unsigned kMaxSpins = 20'000'000;
// Below this many toggles an int3 hit is likely, not certain.
constexpr std::uint64_t kTogglesThatMeetInt3 = 10;

struct alignas(64) ApCounts {
  std::uint64_t calls, enabled, disabled, wrong;
};

constinit const StressSites* active = nullptr;
constinit ApCounts counts[kMaxVcpus] = {};
constinit std::uint32_t running = 0;
constinit std::uint32_t finished = 0;
constinit bool stop = false;

// Lean: under instruction emulation every guest instruction costs about a
// microsecond, so the counts stay in registers until the end.
void ap_loop(std::uint64_t slot) {
  const StressSites& s = *active;
  std::uint64_t calls = 0, enabled = 0, disabled = 0, wrong = 0;
  __atomic_fetch_add(&running, 1, __ATOMIC_RELEASE);
  while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
    const unsigned v = s.value();
    enabled += v == kValueEnabled;
    disabled += v == kValueDisabled;
    wrong += v != kValueEnabled && v != kValueDisabled;
    const unsigned a = s.arith(kArithInput);
    enabled += a == kArithEnabled;
    disabled += a == kArithDisabled;
    wrong += a != kArithEnabled && a != kArithDisabled;
    calls += 2;
  }
  counts[slot] = {calls, enabled, disabled, wrong};
  __atomic_fetch_add(&finished, 1, __ATOMIC_RELEASE);
}

bool wait_for_count(const std::uint32_t& counter, std::uint32_t value) {
  return wait_for<kMaxSpins>([&] { return __atomic_load_n(&counter, __ATOMIC_ACQUIRE) == value; });
}

// 0 when the word is missing or not a number.
std::uint64_t toggles_from_cmdline() {
  const Cmdline::Value v = cmdline().value("live.toggles");
  if (!v.found || v.value.empty()) return 0;
  std::uint64_t n = 0;
  for (const char c : v.value) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n;
}

std::uint64_t read_tsc() {
  std::uint32_t lo, hi;
  asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return (std::uint64_t{hi} << 32) | lo;
}

}  // namespace

void run_live_stress(const StressSites& sites) {
  // A bare run does not say how long to run, nor gives it other vCPUs.
  if (!cmdline().value("live.toggles").found) GUEST_SKIP("no live.toggles=N on the command line");
  const std::uint64_t toggles = toggles_from_cmdline();
  ASSERT_TRUE(toggles > 0);
  const std::uint32_t aps = boot_info().vcpu_count - 1;
  ASSERT_TRUE(aps >= 1);
  // Alone first: each state gives its values.
  for (const bool state : {true, false}) {
    ASSERT_TRUE(sites.set_key(state).ok);
    EXPECT_EQ(sites.value(), state ? kValueEnabled : kValueDisabled);
    EXPECT_EQ(sites.arith(kArithInput), state ? kArithEnabled : kArithDisabled);
  }

  active = &sites;
  for (std::uint32_t i = 1; i <= aps; ++i) {
    ASSERT_TRUE(start_ap(i, ap_loop, i) == testbed::HypercallError::Ok);
  }
  ASSERT_TRUE(wait_for_count(running, aps));

  const LiveKeyStats before = live_key_stats();
  Counters exits{};
  hypercall(Hypercall::MarkerBegin);
  const std::uint64_t tsc_begin = read_tsc();
  std::uint64_t failed = 0;
  for (std::uint64_t i = 0; i < toggles; ++i) {
    const altpv::KeySwitch r = sites.set_key(i % 2 == 0);
    failed += !r.ok || r.sites != 2 || r.written != 2;
  }
  const std::uint64_t tsc = read_tsc() - tsc_begin;
  hypercall(Hypercall::MarkerEnd, reinterpret_cast<std::uintptr_t>(&exits));
  const LiveKeyStats after = live_key_stats();
  __atomic_store_n(&stop, true, __ATOMIC_RELAXED);
  ASSERT_TRUE(wait_for_count(finished, aps));

  ApCounts total{};
  bool add_up = true;
  for (std::uint32_t i = 1; i <= aps; ++i) {
    const ApCounts& c = counts[i];
    add_up = add_up && c.calls > 0 && c.enabled + c.disabled + c.wrong == c.calls;
    total.calls += c.calls;
    total.enabled += c.enabled;
    total.disabled += c.disabled;
    total.wrong += c.wrong;
  }
  add_up = add_up && total.enabled + total.disabled + total.wrong == total.calls;
  const std::uint64_t syncs = after.syncs - before.syncs;
  const std::uint64_t int3_hits = after.int3_hits - before.int3_hits;
  JsonLine("live_keys")
      .out()
      .str("sites", sites.name)
      .num("vcpus_running", aps)
      .num("toggles", toggles)
      .num("failed_switches", failed)
      .num("calls", total.calls)
      .num("enabled", total.enabled)
      .num("disabled", total.disabled)
      .num("wrong", total.wrong)
      .boolean("add_up", add_up)
      .num("syncs", syncs)
      .num("vcpus_in_guest", after.in_guest - before.in_guest)
      .num("writes", after.writes - before.writes)
      .num("int3_hits", int3_hits)
      .num("exits", exits.exits)
      .num("exits_io", exits.exits_io)
      .num("tsc_cycles", tsc);

  EXPECT_EQ(failed, 0u);
  EXPECT_EQ(total.wrong, 0u);
  EXPECT_TRUE(add_up);
  EXPECT_TRUE(total.enabled > 0 && total.disabled > 0);
  // Three syncs per toggle, each a SyncCores hypercall (an exit of its own).
  EXPECT_EQ(syncs, 3 * toggles);
  EXPECT_TRUE(exits.exits_io >= syncs);
  if (toggles >= kTogglesThatMeetInt3) EXPECT_TRUE(int3_hits > 0);
}

}  // namespace altpv::guest
