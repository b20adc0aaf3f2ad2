// SPDX-License-Identifier: MIT
// Register preservation through every MSR stub: all general-purpose
// registers are filled with random values, the stub is called the way a
// patched site calls it, and every register but the op's declared outputs
// (and a constant-index site's clobbers) must come back unchanged.
// Deliberately broken stubs, full-frame and lean, prove the check catches a
// corrupted register.
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

// A lean write stub that forgets to save r11, around a handler that uses
// every register the C ABI lets it clobber, as compiled code may.
extern "C" void clobbering_write(std::uint32_t, std::uint64_t) noexcept {
  asm volatile(
      "xor %%eax, %%eax\n xor %%ecx, %%ecx\n xor %%edx, %%edx\n xor %%esi, %%esi\n"
      "xor %%edi, %%edi\n xor %%r8d, %%r8d\n xor %%r9d, %%r9d\n xor %%r10d, %%r10d\n"
      "xor %%r11d, %%r11d"
      :
      :
      : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11");
}
extern "C" const char lean_stub[], lean_stub_without_r11[];
ALTPV_MSR_STUB_WRITE(lean_stub, clobbering_write);
ALTPV_LEAN_STUB(lean_stub_without_r11, clobbering_write, "rax, rcx, rdx, rsi, rdi, r8, r9, r10",
                ALTPV_MSR_VAR_WRITE_ARGS, "");

// An ordinary translation unit's stubs save the vector state; one built
// without SSE gets stubs that do not (general_regs_stub.cpp).
static_assert(ALTPV_STUB_SAVES_VECTOR_STATE == 1);
extern "C" const char gpr_lean_write_stub[];
extern "C" std::uint64_t gpr_stub_last_value;
extern "C" const char preserving_write_stub[], preserving_write_stub_without_rdi[],
    preserving_read_stub[];
extern "C" std::uint64_t preserving_last_value, preserving_misalignment;

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
  bool constant;  // the stub of a constant-index site
  unsigned outputs;
  bool safe;
};

constexpr unsigned kAx = reg_bit(Reg::Rax);
constexpr unsigned kCxDx = reg_bit(Reg::Rcx) | reg_bit(Reg::Rdx);
constexpr unsigned kAxDx = kAx | reg_bit(Reg::Rdx);
constexpr unsigned kAxCxDx = kAx | kCxDx;

const StubCase kCases[] = {
    {ALTPV_OP_WRMSR, false, 0, false},           {ALTPV_OP_WRMSR, true, kCxDx, false},
    {ALTPV_OP_WRMSR_NS, false, 0, false},        {ALTPV_OP_WRMSR_NS, true, kCxDx, false},
    {ALTPV_OP_RDMSR, false, kAxDx, false},       {ALTPV_OP_RDMSR64, true, kAxCxDx, false},
    {ALTPV_OP_WRMSR_SAFE, false, kAx, true},     {ALTPV_OP_WRMSR_SAFE, true, kAxCxDx, true},
    {ALTPV_OP_WRMSR_NS_SAFE, false, kAx, true},  {ALTPV_OP_WRMSR_NS_SAFE, true, kAxCxDx, true},
    {ALTPV_OP_RDMSR_SAFE, false, kAxCxDx, true}, {ALTPV_OP_RDMSR64_SAFE, true, kAxCxDx, true},
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
  const void* stub = backend_.stub(c.op, kKnownMsr, c.constant, altpv::AltKind::CallSkipRedZone);
  ASSERT_NE(stub, nullptr);
  for (int round = 0; round < 200; ++round) {
    NativeRegs before = altpv::testing::random_regs(rng_);
    // Plain ops replay a refused access natively (a #GP in ring 3), so they
    // get an MSR the bank knows; _safe ops get random indices too.
    if (!c.safe || round % 2 == 0) before.rcx = kKnownMsr | (before.rcx & ~0xffffffffull);
    NativeRegs after = before;
    call_with_regs(&after, stub);
    EXPECT_EQ(changed(before, after, c.outputs), "")
        << "op " << c.op << (c.constant ? " const" : "") << " round " << round;
  }
}

// Constant-index writes pass the value whole in rax; the stub hands it on.
TEST(StubInputs, ConstantIndexWritesTakeTheValueFromRax) {
  altpv::testing::FakeMsrBank bank{kKnownMsr};
  altpv::set_msr_handler(&bank);
  const altpv::MsrBackend backend;
  NativeRegs r{};
  r.rcx = kKnownMsr;
  r.rax = 0x1122334455667788ull;
  r.rdx = 0x11223344;  // what the site's setup leaves; the stub must not need it
  call_with_regs(&r,
                 backend.stub(ALTPV_OP_WRMSR_NS, kKnownMsr, true, altpv::AltKind::CallSkipRedZone));
  EXPECT_EQ(bank.value(kKnownMsr), 0x1122334455667788ull);
  altpv::set_msr_handler(nullptr);
}

INSTANTIATE_TEST_SUITE_P(AllMsrStubs, StubRegisters, ::testing::ValuesIn(kCases));

NativeRegs numbered_regs() {
  NativeRegs r{};
  for (unsigned i = 0; i < altpv::testing::kRegCount; ++i) {
    altpv::testing::reg(r, i) = 0x1111111111111111ull * (i + 1);
  }
  r.rcx = kKnownMsr;
  return r;
}

TEST(StubRegisterCheck, CatchesABrokenStub) {
  const NativeRegs before = numbered_regs();
  NativeRegs after = before;
  call_with_regs(&after, broken_stub);
  EXPECT_EQ(changed(before, after, 0), "r9 ");
}

TEST(StubRegisterCheck, CatchesALeanStubThatForgetsARegister) {
  const NativeRegs before = numbered_regs();
  NativeRegs after = before;
  call_with_regs(&after, lean_stub);
  EXPECT_EQ(changed(before, after, 0), "");  // the same handler, every register saved
  after = before;
  call_with_regs(&after, lean_stub_without_r11);
  EXPECT_EQ(changed(before, after, 0), "r11 ");
}

TEST(StubRegisterCheck, GeneralRegistersOnlyStubKeepsEveryRegister) {
  altpv::testing::XorShift64 rng{0x6e7};
  for (int round = 0; round < 100; ++round) {
    const NativeRegs before = altpv::testing::random_regs(rng);
    NativeRegs after = before;
    call_with_regs(&after, gpr_lean_write_stub);
    EXPECT_EQ(changed(before, after, 0), "") << "round " << round;
    EXPECT_EQ(gpr_stub_last_value, (before.rdx << 32) | (before.rax & 0xffffffffu));
  }
}

// The stub saves only rdi and rsi; the handler saves what it writes.
TEST(StubRegisterCheck, PreservingStubKeepsEveryRegister) {
  altpv::testing::XorShift64 rng{0x9e5};
  for (int round = 0; round < 100; ++round) {
    const NativeRegs before = altpv::testing::random_regs(rng);
    NativeRegs after = before;
    preserving_misalignment = 0;
    call_with_regs(&after, preserving_write_stub);
    EXPECT_EQ(changed(before, after, 0), "") << "round " << round;
    EXPECT_EQ(preserving_last_value, (before.rdx << 32) | (before.rax & 0xffffffffu));
    EXPECT_EQ(preserving_misalignment, 0u) << "round " << round;
    // The read returns the index in edx:eax, upper halves zero.
    after = before;
    call_with_regs(&after, preserving_read_stub);
    EXPECT_EQ(changed(before, after, kAxDx), "") << "round " << round;
    EXPECT_EQ(after.rax, before.rcx & 0xffffffffu);
    EXPECT_EQ(after.rdx, 0u);
    EXPECT_EQ(preserving_misalignment, 0u) << "round " << round;
  }
}

TEST(StubRegisterCheck, CatchesAPreservingStubThatForgetsARegister) {
  const NativeRegs before = numbered_regs();
  NativeRegs after = before;
  call_with_regs(&after, preserving_write_stub_without_rdi);
  EXPECT_EQ(changed(before, after, 0), "rdi ");
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
  call_with_regs(&r, backend.stub(ALTPV_OP_RDMSR64, kKnownMsr, true, kind));
  EXPECT_EQ(r.rax, 0x1234567890abcdefull);

  r.rcx = 0x40000fff;
  call_with_regs(&r, backend.stub(ALTPV_OP_RDMSR_SAFE, 0, false, kind));
  EXPECT_EQ(r.rcx, static_cast<std::uint32_t>(altpv::kMsrFault));
  EXPECT_EQ(r.rax, 0u);
  EXPECT_EQ(r.rdx, 0u);
  altpv::set_msr_handler(nullptr);
}

}  // namespace
