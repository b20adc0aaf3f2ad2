// SPDX-License-Identifier: MIT
// smp.start: the BSP starts every AP; each reports its vCPU index and
// increments a shared counter with a locked instruction; the BSP waits,
// bounded, for all of them.
#include "boot.h"
#include "expect.h"
#include "hypercall.h"
#include "smp.h"
#include "test_registry.h"

namespace altpv::guest {
namespace {

using altpv::testbed::HypercallError;

// Each spin is a few emulated instructions (~1 us each here): about ten
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
  EXPECT_EQ(vcpu_index(), 0u);
  if (n < 2) GUEST_SKIP("needs --vcpus 2 or more");
  ASSERT_TRUE(n <= kMaxVcpus);
  for (std::uint32_t i = 1; i < n; ++i) ASSERT_EQ(start_ap(i, ap_work, i), HypercallError::Ok);
  // A vCPU the VMM does not have is refused.
  EXPECT_EQ(start_ap(n < kMaxVcpus ? n : 0, ap_work, 0), HypercallError::BadArgument);

  unsigned spins = 0;
  while (__atomic_load_n(&arrived, __ATOMIC_ACQUIRE) != n - 1 && spins < kMaxSpins) {
    asm volatile("pause");
    ++spins;
  }
  EXPECT_EQ(__atomic_load_n(&arrived, __ATOMIC_ACQUIRE), n - 1);
  for (std::uint32_t i = 1; i < n; ++i) EXPECT_EQ(reported[i], i + 1);
}

GUEST_TEST("smp.start", smp_start);

}  // namespace
}  // namespace altpv::guest
