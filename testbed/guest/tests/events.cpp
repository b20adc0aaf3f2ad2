// SPDX-License-Identifier: MIT
// events.*: the VMM's timer events as the guest sees them (docs/guest.md,
// "Events"). Under hvm the real IF gates them, under pv the VcpuInfo mask.
// Every wait is for an event the guest can observe (a tick count, the
// pending flag), bounded so that a lost event fails instead of hanging;
// nothing is timed, and the checks are on order and counts.
#include "altpv/extable.h"
#include "boot.h"
#include "bounded_wait.h"
#include "console.h"
#include "expect.h"
#include "hypercall.h"
#include "smp.h"
#include "test_registry.h"
#include "vcpu_area.h"

namespace altpv::guest {
namespace {

using altpv::testbed::Hypercall;
using altpv::testbed::HypercallError;

// Each spin is a few emulated instructions (~1 us each under KVM): seconds,
// far more than the few ticks of the ctest period (2 ms) a case waits for,
// and well inside the VMM's --timeout, so a lost event fails the case.
constexpr unsigned kMaxSpins = 300'000;
constexpr std::uint64_t kTicksPerVcpu = 3;

// The test's own interrupt flag: the real one (hvm) or the PV mask, with the
// PV enable's check for an event held while masked.
void events_on() {
  if (!pv_events()) {
    asm volatile("sti" : : : "memory");
    return;
  }
  std::uint8_t pending;
  asm volatile("movb $0, %%gs:%c1\n\tmovb %%gs:%c2, %0"
               : "=r"(pending)
               : "i"(altpv::testbed::kVcpuEventMask), "i"(altpv::testbed::kVcpuEventPending)
               : "memory");
  if (pending != 0) hypercall(Hypercall::EventCheck);
}

void events_off() {
  if (pv_events()) {
    asm volatile("movb $1, %%gs:%c0" : : "i"(altpv::testbed::kVcpuEventMask) : "memory");
  } else {
    asm volatile("cli" : : : "memory");
  }
}

std::uint8_t event_pending(std::uint32_t cpu) {
  return __atomic_load_n(&vcpu_area(cpu).info.event_pending, __ATOMIC_RELAXED);
}

bool have_timer() {
  return boot_info().tick_us != 0;
}

constinit std::uint32_t finished = 0;
constinit bool stop_counting = false;

void count_ticks_here(std::uint64_t cpu) {
  events_on();
  wait_for<kMaxSpins>([&] { return ticks(cpu) >= kTicksPerVcpu; });
  events_off();
  __atomic_add_fetch(&finished, 1, __ATOMIC_RELEASE);
}

// Every vCPU takes ticks with events on; one `ticks` record per vCPU.
void events_ticks() {
  if (!have_timer()) GUEST_SKIP("no timer: the VMM runs without --tick-us");
  const std::uint32_t n = boot_info().vcpu_count;
  for (std::uint32_t i = 1; i < n; ++i)
    ASSERT_EQ(start_ap(i, count_ticks_here, i), HypercallError::Ok);
  count_ticks_here(0);
  EXPECT_TRUE(
      wait_for<kMaxSpins>([&] { return __atomic_load_n(&finished, __ATOMIC_ACQUIRE) == n; }));
  for (std::uint32_t i = 0; i < n; ++i) {
    EXPECT_TRUE(ticks(i) >= kTicksPerVcpu);
    JsonLine("ticks").out().num("vcpu", i).num("ticks", ticks(i));
  }
}
GUEST_TEST("events.ticks", events_ticks);

void count_until_stopped(std::uint64_t) {
  events_on();
  wait_for<kMaxSpins>([] { return __atomic_load_n(&stop_counting, __ATOMIC_ACQUIRE); });
  events_off();
}

// With events off on the BSP no tick is handled there, however many the AP
// sees meanwhile; the one held is handled once they are on again. The timer
// raises every tick on every vCPU, so once the AP has handled two ticks, at
// least one was raised on the BSP after `before` was read (the AP's first
// may have waited since boot).
void events_masked() {
  if (!have_timer()) GUEST_SKIP("no timer: the VMM runs without --tick-us");
  if (boot_info().vcpu_count < 2) GUEST_SKIP("needs a second vCPU to see ticks go by");
  events_off();
  const std::uint64_t before = ticks(0);
  ASSERT_EQ(start_ap(1, count_until_stopped, 0), HypercallError::Ok);
  EXPECT_TRUE(wait_for<kMaxSpins>([] { return ticks(1) >= 2; }));
  if (pv_events()) {
    // The VMM flags the event it holds back.
    EXPECT_TRUE(wait_for<kMaxSpins>([] { return event_pending(0) != 0; }));
  }
  EXPECT_EQ(ticks(0), before);
  events_on();
  if (pv_events()) {
    // EventCheck injects before it returns: the tick is handled already.
    EXPECT_TRUE(ticks(0) > before);
    EXPECT_EQ(event_pending(0), 0u);
  } else {
    EXPECT_TRUE(wait_for<kMaxSpins>([&] { return ticks(0) > before; }));
  }
  events_off();
  __atomic_store_n(&stop_counting, true, __ATOMIC_RELEASE);
}
GUEST_TEST("events.masked", events_masked);

// Halting with events off but about to be on (`sti; hlt` under hvm, Block
// under pv) sleeps until the next tick, which is handled before the halt
// returns. Under pv, a tick already held when the guest blocks is handled
// at once, and plain hlt (real IF set) wakes too.
void events_halt() {
  if (!have_timer()) GUEST_SKIP("no timer: the VMM runs without --tick-us");
  for (int round = 0; round < 3; ++round) {
    events_off();
    const std::uint64_t before = ticks(0);
    if (pv_events()) {
      EXPECT_EQ(hypercall(Hypercall::Block).status, HypercallError::Ok);
    } else {
      asm volatile("sti; hlt; cli" : : : "memory");
    }
    EXPECT_TRUE(ticks(0) > before);
  }
  if (pv_events()) {
    events_off();
    ASSERT_TRUE(wait_for<kMaxSpins>([] { return event_pending(0) != 0; }));
    const std::uint64_t before = ticks(0);
    EXPECT_EQ(hypercall(Hypercall::Block).status, HypercallError::Ok);
    EXPECT_TRUE(ticks(0) > before);
    EXPECT_EQ(event_pending(0), 0u);
    // The real IF is set under PV: hlt with the mask clear wakes on a tick.
    const std::uint64_t before_hlt = ticks(0);
    asm volatile("hlt" : : : "memory");
    EXPECT_TRUE(ticks(0) > before_hlt);
    events_off();
  }
}
GUEST_TEST("events.halt", events_halt);

// Not present in the VMM's identity map (PML4 entries 2 and 3).
constexpr std::uint64_t kUnmappedA = 0x10000000008;
constexpr std::uint64_t kUnmappedB = 0x18000000010;

void touch(std::uint64_t address) {
  asm volatile(
      "1: mov (%0), %%rax\n\t"
      "2:\n\t" ALTPV_EXTABLE(1b, 2b, 2b)
      :
      : "c"(address)
      : "rax", "memory");
}

// VcpuInfo.cr2 follows the last page fault, as a PV read_cr2 reads it.
void events_cr2() {
  std::uint64_t cr2;
  touch(kUnmappedA);
  asm volatile("mov %%gs:%c1, %0" : "=r"(cr2) : "i"(altpv::testbed::kVcpuCr2));
  EXPECT_EQ(cr2, kUnmappedA);
  touch(kUnmappedB);
  EXPECT_EQ(vcpu_area(0).info.cr2, kUnmappedB);
}
GUEST_TEST("events.cr2", events_cr2);

}  // namespace
}  // namespace altpv::guest
