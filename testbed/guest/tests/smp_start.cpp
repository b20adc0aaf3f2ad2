// SPDX-License-Identifier: MIT
// smp.start: the BSP starts every AP; each reports its vCPU index and
// increments a shared counter with a locked instruction; the BSP waits,
// bounded, for all of them. The vCPU count the boot block reports must be
// the one the command line expects (expect.vcpus=N, as the ctest passes
// --vcpus N to the VMM); with one vCPU there is no AP to start, and starting
// one must be refused.
#include "altpv/engine/text_buffer.h"
#include "boot.h"
#include "bounded_wait.h"
#include "expect.h"
#include "platform.h"
#include "smp.h"
#include "test_registry.h"

namespace altpv::guest {
namespace {

using altpv::testbed::HypercallError;

// Each spin is a few emulated instructions (~1 us each under KVM): about ten
// seconds, far more than APs need, far less than the VMM's --timeout.
constexpr unsigned kMaxSpins = 5'000'000;

constinit std::uint32_t arrived = 0;
// Slot i: 1 + the VcpuIndex AP i reported; 0 while it has not run.
constinit std::uint32_t reported[kMaxVcpus] = {};

void ap_work(std::uint64_t slot) {
  reported[slot] = vcpu_index() + 1;
  // The "memory" clobber keeps the store above before the increment; x86
  // keeps stores in order, so the BSP sees `reported` once it sees `arrived`.
  asm volatile("lock incl %0" : "+m"(arrived) : : "memory");
}

void smp_start() {
  const std::uint32_t n = boot_info().vcpu_count;
  if (const Cmdline::Value expected = cmdline().value("expect.vcpus"); expected.found) {
    char buf[16];
    altpv::TextBuffer count(buf, sizeof buf);
    count.dec(n);
    ASSERT_EQ(count.view(), expected.value);
  }
  EXPECT_EQ(vcpu_index(), 0u);
  ASSERT_TRUE(n >= 1 && n <= kMaxVcpus);
  for (std::uint32_t i = 1; i < n; ++i) ASSERT_EQ(start_ap(i, ap_work, i), HypercallError::Ok);
  // A vCPU the VMM does not have is refused.
  EXPECT_EQ(start_ap(n < kMaxVcpus ? n : 0, ap_work, 0), HypercallError::BadArgument);

  EXPECT_TRUE(
      wait_for<kMaxSpins>([&] { return __atomic_load_n(&arrived, __ATOMIC_ACQUIRE) == n - 1; }));
  EXPECT_EQ(__atomic_load_n(&arrived, __ATOMIC_ACQUIRE), n - 1);
  for (std::uint32_t i = 1; i < n; ++i) EXPECT_EQ(reported[i], i + 1);
}

GUEST_TEST_REQUIRES("smp.start", smp_start, Testbed);

}  // namespace
}  // namespace altpv::guest
