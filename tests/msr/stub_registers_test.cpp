// SPDX-License-Identifier: MIT
// Register preservation through every MSR stub: all general-purpose
// registers are filled with random values, the stub is called the way a
// patched site calls it, and every register but the op's declared outputs
// must come back unchanged. A deliberately broken stub proves the check
// catches a corrupted register.
#include <gtest/gtest.h>

#include <string>

#include "altpv/msr.h"
#include "altpv/msr_backend.h"
#include "altpv/op_ids.h"
#include "fake_msr_bank.h"
#include "register_check.h"
#include "register_harness.h"

extern "C" void call_with_regs(altpv::NativeRegs* regs, const void* stub);
ALTPV_REGISTER_HARNESS_RZ(call_with_regs);

// A stub whose handler also scribbles on r9, which no MSR op may write.
extern "C" void broken_handler(altpv::NativeRegs* r) {
  r->r9 ^= 1;
}
extern "C" const char broken_stub[];
ALTPV_NATIVE_STUB(broken_stub, broken_handler);

namespace {

using altpv::NativeRegs;

constexpr std::uint32_t kKnownMsr = 0x40000100;

using altpv::testing::Reg;
using altpv::testing::reg_bit;

std::string changed(const NativeRegs& before, const NativeRegs& after, unsigned allowed) {
  return altpv::testing::changed_registers(before, after, allowed).text;
}

struct StubCase {
  std::uint16_t op;
  unsigned outputs;
  bool safe;
};

const StubCase kCases[] = {
    {ALTPV_OP_WRMSR, 0, false},
    {ALTPV_OP_WRMSR_NS, 0, false},
    {ALTPV_OP_RDMSR, reg_bit(Reg::Rax) | reg_bit(Reg::Rdx), false},
    {ALTPV_OP_RDMSR64, reg_bit(Reg::Rax) | reg_bit(Reg::Rdx), false},
    {ALTPV_OP_WRMSR_SAFE, reg_bit(Reg::Rax), true},
    {ALTPV_OP_WRMSR_NS_SAFE, reg_bit(Reg::Rax), true},
    {ALTPV_OP_RDMSR_SAFE, reg_bit(Reg::Rax) | reg_bit(Reg::Rcx) | reg_bit(Reg::Rdx), true},
    {ALTPV_OP_RDMSR64_SAFE, reg_bit(Reg::Rax) | reg_bit(Reg::Rcx) | reg_bit(Reg::Rdx), true},
};

class StubRegisters : public ::testing::TestWithParam<StubCase> {
 protected:
  void SetUp() override { altpv::set_msr_handler(&bank_); }
  void TearDown() override { altpv::set_msr_handler(nullptr); }

  altpv::testing::FakeMsrBank bank_{kKnownMsr};
  altpv::MsrBackend backend_;
  altpv::testing::XorShift64 rng_{0x5eed};
};

TEST_P(StubRegisters, OnlyDeclaredOutputsChange) {
  const StubCase c = GetParam();
  const void* stub = backend_.stub(c.op, 0, false, altpv::AltKind::CallSkipRedZone);
  ASSERT_NE(stub, nullptr);
  for (int round = 0; round < 200; ++round) {
    NativeRegs before = altpv::testing::random_regs(rng_);
    // Plain ops replay a refused access natively (a #GP in ring 3), so they
    // get an MSR the bank knows; _safe ops get random indices too.
    if (!c.safe || round % 2 == 0) before.rcx = kKnownMsr | (before.rcx & ~0xffffffffull);
    NativeRegs after = before;
    call_with_regs(&after, stub);
    EXPECT_EQ(changed(before, after, c.outputs), "") << "op " << c.op << " round " << round;
  }
}

INSTANTIATE_TEST_SUITE_P(AllMsrStubs, StubRegisters, ::testing::ValuesIn(kCases));

TEST(StubRegisterCheck, CatchesABrokenStub) {
  NativeRegs before{};
  for (unsigned i = 0; i < altpv::testing::kRegCount; ++i) {
    altpv::testing::reg(before, i) = 0x1111111111111111ull * (i + 1);
  }
  NativeRegs after = before;
  call_with_regs(&after, broken_stub);
  EXPECT_EQ(changed(before, after, 0), "r9 ");
}

TEST(StubOutputs, ReadsLeaveTheValueWhereTheNativeInstructionWould) {
  altpv::testing::FakeMsrBank bank{kKnownMsr};
  altpv::set_msr_handler(&bank);
  altpv::MsrBackend backend;
  bank.write(kKnownMsr, 0x1234567890abcdefull, true);
  const auto kind = altpv::AltKind::CallSkipRedZone;

  NativeRegs r{};
  r.rax = r.rdx = ~0ull;
  r.rcx = kKnownMsr;
  call_with_regs(&r, backend.stub(ALTPV_OP_RDMSR, 0, false, kind));
  EXPECT_EQ(r.rax, 0x90abcdefull);  // RDMSR zero-extends both halves
  EXPECT_EQ(r.rdx, 0x12345678ull);

  r.rcx = kKnownMsr;
  call_with_regs(&r, backend.stub(ALTPV_OP_RDMSR64, 0, false, kind));
  EXPECT_EQ(r.rax, 0x1234567890abcdefull);

  r.rcx = 0x40000fff;
  call_with_regs(&r, backend.stub(ALTPV_OP_RDMSR_SAFE, 0, false, kind));
  EXPECT_EQ(r.rcx, static_cast<std::uint32_t>(altpv::kMsrFault));
  EXPECT_EQ(r.rax, 0u);
  EXPECT_EQ(r.rdx, 0u);
  altpv::set_msr_handler(nullptr);
}

}  // namespace
