// SPDX-License-Identifier: MIT
// msr.safe: the _safe variants on an MSR the VMM does not emulate return
// kMsrFault, whichever instruction (or stub) the site holds, and write
// nothing (the host driver checks the VMM's log). msr.gp_plain: the plain
// variant on the same MSR reaches the #GP handler, which ends the guest; the
// host driver expects exactly that report. It runs only when named.
#include "abi/abi.h"
#include "altpv/msr.h"
#include "console.h"
#include "expect.h"
#include "test_registry.h"

namespace altpv::guest {
namespace {

using altpv::testbed::kAbsentMsr;
constexpr altpv::Msr<kAbsentMsr> kAbsent{};

void msr_safe() {
  std::uint64_t v = 99;
  EXPECT_EQ(altpv::wrmsr_safe(kAbsentMsr, 1), altpv::kMsrFault);
  EXPECT_EQ(altpv::wrmsr_ns_safe(kAbsentMsr, 2), altpv::kMsrFault);
  EXPECT_EQ(altpv::rdmsr_safe(kAbsentMsr, &v), altpv::kMsrFault);
  EXPECT_EQ(v, 0u);
  v = 99;
  EXPECT_EQ(altpv::wrmsr_safe(kAbsent, 3), altpv::kMsrFault);
  EXPECT_EQ(altpv::wrmsr_ns_safe(kAbsent, 4), altpv::kMsrFault);
  EXPECT_EQ(altpv::rdmsr_safe(kAbsent, &v), altpv::kMsrFault);
  EXPECT_EQ(v, 0u);
  // A value the MSR itself rejects faults the same way: PAT type 2 is reserved.
  if (const std::string_view why = missing(Requires::ReservedPatFaults); !why.empty()) {
    Line().out().str("msr.safe: reserved PAT type not checked: ").str(why);
    return;
  }
  EXPECT_EQ(altpv::wrmsr_ns_safe(altpv::msr::kIa32Pat, 0x0202020202020202), altpv::kMsrFault);
}

GUEST_TEST_REQUIRES("msr.safe", msr_safe, MsrFaults);

void msr_gp_plain() {
  altpv::wrmsr_ns(kAbsentMsr, 5);
  record_failure("wrmsr_ns to an unknown MSR returned instead of raising #GP");
}

GUEST_TEST_BY_NAME("msr.gp_plain", msr_gp_plain);

}  // namespace
}  // namespace altpv::guest
