// SPDX-License-Identifier: MIT
// pv.cpuid_op: the generic stub layer carries a non-MSR op. Under PV the
// CPUID site calls its stub and answers leaves 1 and 7 from the CPU model;
// natively it is the CPUID instruction. Either way every register but
// eax, ebx, ecx and edx survives.
#include "boot_patching.h"
#include "cpu_model.h"
#include "expect.h"
#include "pv_cpuid.h"
#include "register_check.h"
#include "site_register_harness.h"
#include "test_registry.h"

namespace altpv::guest {
namespace {

using altpv::testing::Reg;
using altpv::testing::reg_bit;

constinit altpv::NativeRegs* frame = nullptr;

void pv_cpuid_op() {
  const altpv::CpuidResult model = model_cpuid(7, 0);
  const altpv::CpuidResult site = site_cpuid(7, 0);
  if (boot_patching().features.has(altpv::Feature::Pv)) {
    EXPECT_EQ(site.ebx, model.ebx);
    EXPECT_EQ(site.ecx, model.ecx);
    EXPECT_EQ(site.edx, model.edx);
  }
  EXPECT_EQ(site_cpuid(0, 0).eax, model_cpuid(0, 0).eax);

  constexpr unsigned kOutputs =
      reg_bit(Reg::Rax) | reg_bit(Reg::Rbx) | reg_bit(Reg::Rcx) | reg_bit(Reg::Rdx);
  altpv::testing::XorShift64 rng{0xc0ffee};
  for (int round = 0; round < 4; ++round) {
    altpv::NativeRegs before = altpv::testing::random_regs(rng);
    before.rax = round % 2 == 0 ? 0 : 7;
    before.rcx = 0;
    altpv::NativeRegs after = before;
    frame = &after;
    ALTPV_RUN_SITE_WITH_REGS(frame, GUEST_CPUID_SITE);
    EXPECT_TRUE(altpv::testing::changed_registers(before, after, kOutputs).text[0] == '\0');
  }
}

GUEST_TEST_REQUIRES("pv.cpuid_op", pv_cpuid_op, Testbed);

}  // namespace
}  // namespace altpv::guest
