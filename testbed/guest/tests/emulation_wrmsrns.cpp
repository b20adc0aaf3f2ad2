// SPDX-License-Identifier: MIT
// emulation.wrmsrns: WRMSRNS, which the VMM's CPU model can advertise on a
// host that lacks it, behaves as the architecture says whichever way the VMM
// emulates it: directly on KVM's emulation failure, or (--emulate-via-ud)
// through the guest's #UD handler and the EmulateInsn hypercall. A write the
// MSR refuses arrives as #GP on both paths, so the exception table catches it.
// Where the model lacks WRMSRNS, the instruction raises #UD and writes nothing.
//
// Whether the model has WRMSRNS comes from the command line
// (expect.features=+wrmsrns or -wrmsrns, as the ctest passes --cpu to the
// VMM), never from the guest's own detection, which the test checks instead.
#include "altpv/extable.h"
#include "altpv/features.h"
#include "boot.h"
#include "cpu_model.h"
#include "exception_frame.h"
#include "exception_handler.h"
#include "expect.h"
#include "test_registry.h"

namespace altpv::guest {
namespace {

// IA32_TSC_AUX: the VMM emulates it, and bits 63:32 are reserved (#GP).
constexpr std::uint32_t kTscAux = 0xc0000103;

// True if the write faulted and resumed through the exception table.
bool wrmsrns_faulted(std::uint32_t msr, std::uint64_t value) {
  const std::uint64_t fixups = last_fixed_up_exception().count;
  asm volatile(
      "1: wrmsrns\n\t"
      "2:\n\t" ALTPV_EXTABLE(1b, 2b, 2b)
      :
      : "c"(msr), "a"(static_cast<std::uint32_t>(value)), "d"(value >> 32)
      : "memory");
  return last_fixed_up_exception().count != fixups;
}

std::uint64_t rdmsr(std::uint32_t msr) {
  std::uint32_t lo, hi;
  asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
  return (std::uint64_t{hi} << 32) | lo;
}

void emulation_wrmsrns() {
  const altpv::OverrideResult expected =
      altpv::apply_overrides({}, cmdline().value("expect.features").value);
  ASSERT_TRUE(expected.ok);
  constexpr std::uint64_t kWrmsrns = std::uint64_t{1} << ALTPV_FEATURE_WRMSRNS;
  if (((expected.forced | expected.cleared) & kWrmsrns) == 0) {
    GUEST_SKIP(
        "the command line does not say whether the CPU model has WRMSRNS "
        "(expect.features=+wrmsrns or -wrmsrns)");
  }
  const bool has = (expected.forced & kWrmsrns) != 0;
  ASSERT_EQ(detect_model_features().has(altpv::Feature::Wrmsrns), has);

  if (!has) {
    const std::uint64_t before = rdmsr(kTscAux);
    EXPECT_TRUE(wrmsrns_faulted(kTscAux, before + 1));
    EXPECT_EQ(last_fixed_up_exception().vector, kInvalidOpcode);
    EXPECT_EQ(rdmsr(kTscAux), before);
    return;
  }
  EXPECT_TRUE(!wrmsrns_faulted(kTscAux, 0x1234));
  EXPECT_EQ(rdmsr(kTscAux), 0x1234u);

  EXPECT_TRUE(wrmsrns_faulted(kTscAux, std::uint64_t{1} << 32));
  EXPECT_EQ(last_fixed_up_exception().vector, kGeneralProtection);
  EXPECT_EQ(rdmsr(kTscAux), 0x1234u);  // the refused write changed nothing
}

GUEST_TEST_REQUIRES("emulation.wrmsrns", emulation_wrmsrns, Testbed);

}  // namespace
}  // namespace altpv::guest
