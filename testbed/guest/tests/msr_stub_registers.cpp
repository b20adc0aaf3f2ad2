// SPDX-License-Identifier: MIT
// msr.stub_registers: every stub the PV backend hands out for an MSR site
// (generic and hand-written, per op and per kind of MSR, constant and
// variable index) is called the way its patched site calls it, with all
// general-purpose registers random: afterwards only the site's outputs and
// clobbers may differ. Two stubs built broken on purpose must be caught: a
// hand-written one that forgets rsi, and a preserving one (the generic
// kind) that forgets rdi. Under hvm the hypercalls fail and the stubs
// replay the native instruction, so the replay path is covered too.
#include "abi/abi.h"
#include "altpv/backend.h"
#include "altpv/msr.h"
#include "altpv/msr_backend.h"
#include "console.h"
#include "expect.h"
#include "pv_backend.h"
#include "pv_msr_stubs.h"
#include "register_check.h"
#include "register_harness.h"
#include "test_registry.h"

extern "C" void guest_call_with_regs(altpv::NativeRegs* regs, const void* stub);
ALTPV_REGISTER_HARNESS_PLAIN(guest_call_with_regs);

asm(GUEST_PV_MSR_STUB_MACROS
    "guest_pv_msr_write_stub guest_pv_write_testbed1_broken, 0x40000101, "
    "0\n" GUEST_PV_MSR_STUB_PURGE);
extern "C" const char guest_pv_write_testbed1_broken[];

// The variable-index read stub's shape with an empty save list: it loads
// rdi with the index and never restores it.
extern "C" {
[[ALTPV_PRESERVING_HANDLER]] altpv::MsrHalves guest_pv_read(std::uint64_t msr) noexcept;
extern const char guest_pv_stub_var_read_broken[];
}
ALTPV_PRESERVING_STUB(guest_pv_stub_var_read_broken, guest_pv_read, "", "mov %ecx, %edi", "");

namespace altpv::guest {
namespace {

using altpv::NativeRegs;
using altpv::testing::Reg;
using altpv::testing::reg_bit;

constexpr unsigned kRcxRdx = reg_bit(Reg::Rcx) | reg_bit(Reg::Rdx);
constexpr unsigned kRaxRcxRdx = kRcxRdx | reg_bit(Reg::Rax);

struct OpCase {
  const char* name;
  std::uint16_t op;
  unsigned outputs;  // the constant-index site's outputs and clobbers
};

constexpr OpCase kOps[] = {
    {"wrmsr", ALTPV_OP_WRMSR, kRcxRdx},
    {"wrmsr_ns", ALTPV_OP_WRMSR_NS, kRcxRdx},
    {"wrmsr_safe", ALTPV_OP_WRMSR_SAFE, kRaxRcxRdx},
    {"wrmsr_ns_safe", ALTPV_OP_WRMSR_NS_SAFE, kRaxRcxRdx},
    {"rdmsr64", ALTPV_OP_RDMSR64, kRaxRcxRdx},
    {"rdmsr64_safe", ALTPV_OP_RDMSR64_SAFE, kRaxRcxRdx},
};

// One MSR per way the backend serves a constant: generic stub, hand-written
// write stub, hand-written read stub, and an MSR the VMM does not know (the
// hypercall fails: plain ops would #GP, so only _safe ops run on it).
constexpr std::uint32_t kMsrs[] = {altpv::testbed::kMsr0.index, altpv::testbed::kMsr1.index,
                                   altpv::testbed::kMsr2.index, 0x40000fff};

// Variable-index sites keep every register but the op's outputs. One MSR
// per policy: hypercall, dropped writes, pass-through reads (TSC_AUX takes
// only 32-bit values, so it is read, never written, here).
struct VarCase {
  const char* name;
  std::uint16_t op;
  std::uint32_t msr;
  unsigned outputs;
};

constexpr unsigned kRaxRdx = reg_bit(Reg::Rax) | reg_bit(Reg::Rdx);

constexpr VarCase kVarCases[] = {
    {"wrmsr", ALTPV_OP_WRMSR, altpv::testbed::kMsr0.index, 0},
    {"wrmsr_ns", ALTPV_OP_WRMSR_NS, altpv::testbed::kMsr0.index, 0},
    {"wrmsr_ns", ALTPV_OP_WRMSR_NS, altpv::testbed::kMsr3.index, 0},
    {"rdmsr", ALTPV_OP_RDMSR, altpv::testbed::kMsr0.index, kRaxRdx},
    {"rdmsr", ALTPV_OP_RDMSR, altpv::testbed::kMsr3.index, kRaxRdx},
    {"rdmsr", ALTPV_OP_RDMSR, altpv::msr::kIa32TscAux.index, kRaxRdx},
};

bool is_safe(std::uint16_t op) {
  return op == ALTPV_OP_WRMSR_SAFE || op == ALTPV_OP_WRMSR_NS_SAFE || op == ALTPV_OP_RDMSR64_SAFE;
}

void report(const char* what, const char* op, std::uint32_t msr, const char* changed) {
  char buf[160];
  altpv::TextBuffer msg(buf, sizeof buf);
  msg.str(what).chr(' ').str(op).str(" msr 0x").hex(msr).str(": registers changed: ").str(changed);
  record_failure(msg.view());
}

// Calls `code`'s stub as its site would: after the site's setup (ecx the
// index, edx the value's high half), unless the call is bare.
void run_stub(const altpv::SiteCode& code, std::uint32_t msr, NativeRegs& regs) {
  if (code.form == altpv::SiteCode::Form::Call) {
    regs.rcx = msr;
    regs.rdx = regs.rax >> 32;
  }
  guest_call_with_regs(&regs, code.stub);
}

constexpr int kRounds = 4;

void msr_stub_registers() {
  const altpv::Backend& backend = pv_backend();
  altpv::testing::XorShift64 rng{0x51ab};
  unsigned stubs = 0;
  for (const OpCase& op : kOps) {
    for (const std::uint32_t msr : kMsrs) {
      if (msr == 0x40000fff && !is_safe(op.op)) continue;
      const altpv::SiteCode code =
          backend.code(altpv::CallSite{op.op, msr, true, altpv::AltKind::Call, 17});
      const bool is_call =
          code.form == altpv::SiteCode::Form::Call || code.form == altpv::SiteCode::Form::BareCall;
      EXPECT_TRUE(is_call);
      if (!is_call) continue;
      ++stubs;
      for (int round = 0; round < kRounds; ++round) {
        const NativeRegs before = altpv::testing::random_regs(rng);
        NativeRegs after = before;
        run_stub(code, msr, after);
        const auto changed = altpv::testing::changed_registers(before, after, op.outputs);
        if (changed.text[0] != '\0') report("stub", op.name, msr, changed.text);
      }
    }
  }
  for (const VarCase& c : kVarCases) {
    const altpv::SiteCode code =
        backend.code(altpv::CallSite{c.op, 0, false, altpv::AltKind::Call, 3});
    EXPECT_TRUE(code.form == altpv::SiteCode::Form::Call);
    if (code.form != altpv::SiteCode::Form::Call) continue;
    ++stubs;
    for (int round = 0; round < kRounds; ++round) {
      NativeRegs before = altpv::testing::random_regs(rng);
      before.rcx = c.msr;
      NativeRegs after = before;
      guest_call_with_regs(&after, code.stub);
      const auto changed = altpv::testing::changed_registers(before, after, c.outputs);
      if (changed.text[0] != '\0') report("variable-index stub", c.name, c.msr, changed.text);
    }
  }
  Line().out().str("msr.stub_registers: ").dec(stubs).str(" stubs checked");

  // The broken stub loses rsi: the same check must say so.
  NativeRegs before = altpv::testing::random_regs(rng);
  NativeRegs after = before;
  guest_call_with_regs(&after, guest_pv_write_testbed1_broken);
  const auto changed = altpv::testing::changed_registers(before, after, kRcxRdx);
  EXPECT_TRUE(changed.text[0] == 'r' && changed.text[1] == 's' && changed.text[2] == 'i' &&
              changed.text[3] == ' ' && changed.text[4] == '\0');

  // The broken preserving stub loses rdi (the index it loads there), and
  // nothing else: its handler keeps every register.
  before = altpv::testing::random_regs(rng);
  before.rcx = altpv::testbed::kMsr0.index;
  after = before;
  guest_call_with_regs(&after, guest_pv_stub_var_read_broken);
  const auto changed_var = altpv::testing::changed_registers(before, after, kRaxRdx);
  EXPECT_TRUE(changed_var.text[0] == 'r' && changed_var.text[1] == 'd' &&
              changed_var.text[2] == 'i' && changed_var.text[3] == ' ' &&
              changed_var.text[4] == '\0');
}

GUEST_TEST_REQUIRES("msr.stub_registers", msr_stub_registers, Testbed);

}  // namespace
}  // namespace altpv::guest
