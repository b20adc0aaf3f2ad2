// SPDX-License-Identifier: MIT
// msr.registers: every MSR site, as patched for this boot (native
// instruction, PV stub, or the PV backend's inline bytes), runs with all
// general-purpose registers random; afterwards only the site's declared
// outputs and clobbers may differ. The constant-index sites run once per
// kind of MSR the PV backend treats differently: the generic stub, a
// hand-written stub, a dropped write and a pass-through read.
#include "abi/abi.h"
#include "altpv/msr.h"
#include "console.h"
#include "expect.h"
#include "register_check.h"
#include "site_register_harness.h"
#include "test_registry.h"

namespace altpv::guest {
namespace {

using altpv::NativeRegs;
using altpv::testing::Reg;
using altpv::testing::reg_bit;

constexpr std::uint32_t kMsr = 0x40000100;
constinit NativeRegs* frame = nullptr;

#define RUN_SITE_AT(site, index) \
  [] { ALTPV_RUN_SITE_WITH_REGS(frame, site, [msr] "i"(index), [err] "i"(altpv::kMsrFault)); }
#define RUN_SITE(site) RUN_SITE_AT(site, kMsr)

constexpr std::uint32_t kHandWritten = altpv::testbed::kMsr1.index;  // writes
constexpr std::uint32_t kHandWrittenRead = altpv::testbed::kMsr2.index;
constexpr std::uint32_t kDropped = altpv::testbed::kMsr3.index;
constexpr std::uint32_t kPassThrough = altpv::msr::kIa32TscAux.index;

struct SiteCase {
  const char* name;
  void (*run)();
  unsigned outputs;  // declared outputs and clobbers
  bool takes_index;  // rcx carries the MSR index
};

constexpr unsigned kRaxRdx = reg_bit(Reg::Rax) | reg_bit(Reg::Rdx);
constexpr unsigned kRaxRcxRdx = kRaxRdx | reg_bit(Reg::Rcx);
constexpr unsigned kRcxRdx = reg_bit(Reg::Rcx) | reg_bit(Reg::Rdx);

const SiteCase kSites[] = {
    {"wrmsr", RUN_SITE(ALTPV_MSR_WRMSR_SITE), 0, true},
    {"wrmsr_ns", RUN_SITE(ALTPV_MSR_WRMSR_NS_SITE), 0, true},
    {"rdmsr", RUN_SITE(ALTPV_MSR_RDMSR_SITE), kRaxRdx, true},
    {"wrmsr_safe", RUN_SITE(ALTPV_MSR_WRMSR_SAFE_SITE), reg_bit(Reg::Rax), true},
    {"wrmsr_ns_safe", RUN_SITE(ALTPV_MSR_WRMSR_NS_SAFE_SITE), reg_bit(Reg::Rax), true},
    {"rdmsr_safe", RUN_SITE(ALTPV_MSR_RDMSR_SAFE_SITE), kRaxRcxRdx, true},
    {"wrmsr_const", RUN_SITE(ALTPV_MSR_WRMSR_CONST_SITE), kRcxRdx, false},
    {"wrmsr_ns_const", RUN_SITE(ALTPV_MSR_WRMSR_NS_CONST_SITE), kRcxRdx, false},
    {"rdmsr_const", RUN_SITE(ALTPV_MSR_RDMSR_CONST_SITE), kRaxRcxRdx, false},
    {"wrmsr_safe_const", RUN_SITE(ALTPV_MSR_WRMSR_SAFE_CONST_SITE), kRaxRcxRdx, false},
    {"wrmsr_ns_safe_const", RUN_SITE(ALTPV_MSR_WRMSR_NS_SAFE_CONST_SITE), kRaxRcxRdx, false},
    {"rdmsr_safe_const", RUN_SITE(ALTPV_MSR_RDMSR_SAFE_CONST_SITE), kRaxRcxRdx, false},
    {"wrmsr_const/hand-written", RUN_SITE_AT(ALTPV_MSR_WRMSR_CONST_SITE, kHandWritten), kRcxRdx,
     false},
    {"wrmsr_ns_const/hand-written", RUN_SITE_AT(ALTPV_MSR_WRMSR_NS_CONST_SITE, kHandWritten),
     kRcxRdx, false},
    {"rdmsr_const/hand-written", RUN_SITE_AT(ALTPV_MSR_RDMSR_CONST_SITE, kHandWrittenRead),
     kRaxRcxRdx, false},
    {"wrmsr_ns_const/dropped", RUN_SITE_AT(ALTPV_MSR_WRMSR_NS_CONST_SITE, kDropped), kRcxRdx,
     false},
    {"wrmsr_ns_safe_const/dropped", RUN_SITE_AT(ALTPV_MSR_WRMSR_NS_SAFE_CONST_SITE, kDropped),
     kRaxRcxRdx, false},
    {"rdmsr_const/pass-through", RUN_SITE_AT(ALTPV_MSR_RDMSR_CONST_SITE, kPassThrough), kRaxRcxRdx,
     false},
};

// Few rounds: every instruction is emulated here, and a round is a few
// hundred of them.
constexpr int kRounds = 8;

void msr_registers() {
  altpv::testing::XorShift64 rng{0x9e3779b97f4a7c15};
  for (const SiteCase& c : kSites) {
    for (int round = 0; round < kRounds; ++round) {
      NativeRegs before = altpv::testing::random_regs(rng);
      // Odd rounds of _safe sites keep the random index: those fault and
      // resume at the fixup, which must preserve registers too.
      if (c.takes_index && (round % 2 == 0 || c.outputs == 0 || c.outputs == kRaxRdx)) {
        before.rcx = kMsr;
      }
      NativeRegs after = before;
      frame = &after;
      c.run();
      const auto changed = altpv::testing::changed_registers(before, after, c.outputs);
      if (changed.text[0] != '\0') {
        char buf[160];
        altpv::TextBuffer msg(buf, sizeof buf);
        msg.str(c.name).str(": registers changed: ").str(changed.text);
        record_failure(msg.view());
      }
    }
  }
}

GUEST_TEST_REQUIRES("msr.registers", msr_registers, Testbed);

}  // namespace
}  // namespace altpv::guest
