// SPDX-License-Identifier: MIT
// The MSR-instruction decoder and executor shared by both emulation paths.
#include "insn_emulator.h"

#include <gtest/gtest.h>

#include <vector>

#include "cpu_model.h"
#include "fake_arch_msrs.h"

namespace altpv::vmm {
namespace {

using Bytes = std::vector<std::uint8_t>;
constexpr std::uint32_t kSyn = 0x40000105;

// VEX3 map-7 F6 /0 with register `reg` (0..15) and imm32 `msr`.
Bytes imm_form(bool write, unsigned reg, std::uint32_t msr) {
  std::uint8_t p0 = reg >= 8 ? 0xc7 : 0xe7;  // B̄ clear selects r8-r15
  return {0xc4,
          p0,
          std::uint8_t(write ? 0x7a : 0x7b),
          0xf6,
          std::uint8_t(0xc0 | (reg & 7)),
          std::uint8_t(msr),
          std::uint8_t(msr >> 8),
          std::uint8_t(msr >> 16),
          std::uint8_t(msr >> 24)};
}

struct EmulatorTest : ::testing::Test {
  GuestCpuid model = cpu_model_with("+wrmsrns,+msr_imm");
  MsrBank bank{MsrLog()};
  FakeArchMsrs arch;
  testbed::GprFrame frame{};

  EmulationResult run(const Bytes& bytes, const GuestCpuid& m, unsigned cpl = 0) {
    return emulate_msr_insn(bytes, frame, {m, bank, arch, 0, cpl});
  }
  EmulationResult run(const Bytes& bytes) { return run(bytes, model); }
};

TEST(MsrInsnDecoder, Wrmsrns) {
  Decoded d = decode_msr_insn(Bytes{0x0f, 0x01, 0xc6, 0x90});
  ASSERT_EQ(d.status, DecodeStatus::Ok);
  EXPECT_EQ(d.insn.kind, MsrInsnKind::Wrmsrns);
  EXPECT_EQ(d.insn.length, 3u);
}

TEST(MsrInsnDecoder, SegmentPrefixesCount) {
  Decoded d = decode_msr_insn(Bytes{0x2e, 0x3e, 0x0f, 0x01, 0xc6});
  ASSERT_EQ(d.status, DecodeStatus::Ok);
  EXPECT_EQ(d.insn.length, 5u);
}

TEST(MsrInsnDecoder, AllSixteenRegistersInBothImmForms) {
  for (bool write : {true, false}) {
    for (unsigned reg = 0; reg < 16; ++reg) {
      Decoded d = decode_msr_insn(imm_form(write, reg, kSyn));
      ASSERT_EQ(d.status, DecodeStatus::Ok) << reg;
      EXPECT_EQ(d.insn.kind, write ? MsrInsnKind::WrmsrnsImm : MsrInsnKind::RdmsrImm);
      EXPECT_EQ(d.insn.reg, reg);
      EXPECT_EQ(d.insn.index, kSyn);
      EXPECT_EQ(d.insn.length, 9u);
    }
  }
}

TEST(MsrInsnDecoder, TruncatedBytes) {
  Bytes full = imm_form(true, 0, kSyn);
  for (std::size_t n = 0; n < full.size(); ++n) {
    EXPECT_EQ(decode_msr_insn(Bytes(full.begin(), full.begin() + n)).status,
              DecodeStatus::Truncated)
        << n;
  }
  EXPECT_EQ(decode_msr_insn(Bytes{0x0f, 0x01}).status, DecodeStatus::Truncated);
  EXPECT_EQ(decode_msr_insn(Bytes{0x2e}).status, DecodeStatus::Truncated);
}

TEST(MsrInsnDecoder, RejectsMemoryAndInvalidForms) {
  Bytes b = imm_form(true, 0, kSyn);
  for (std::uint8_t modrm : {0x00, 0x40, 0x80, 0xc8 /* reg=1 */}) {
    Bytes m = b;
    m[4] = modrm;
    EXPECT_EQ(decode_msr_insn(m).status, DecodeStatus::Invalid) << int(modrm);
  }
  Bytes w1 = b;
  w1[2] |= 0x80;  // VEX.W1
  EXPECT_EQ(decode_msr_insn(w1).status, DecodeStatus::Invalid);
  Bytes l1 = b;
  l1[2] |= 0x04;  // VEX.L1
  EXPECT_EQ(decode_msr_insn(l1).status, DecodeStatus::Invalid);
  Bytes vvvv = b;
  vvvv[2] &= ~0x08;  // vvvv != 1111b
  EXPECT_EQ(decode_msr_insn(vvvv).status, DecodeStatus::Invalid);
  Bytes r = b;
  r[1] &= ~0x80;  // VEX.R set: reg would be 8
  EXPECT_EQ(decode_msr_insn(r).status, DecodeStatus::Invalid);
}

TEST(MsrInsnDecoder, OtherInstructionsAreNotOurs) {
  EXPECT_EQ(decode_msr_insn(Bytes{0x0f, 0x30}).status, DecodeStatus::NotMsrInsn);  // WRMSR
  EXPECT_EQ(decode_msr_insn(Bytes{0x0f, 0x01, 0xe8}).status, DecodeStatus::NotMsrInsn);
  EXPECT_EQ(decode_msr_insn(Bytes{0x90}).status, DecodeStatus::NotMsrInsn);
  // Another map, another opcode, another pp: AVX-style VEX, not ours.
  Bytes other_map = imm_form(true, 0, kSyn);
  other_map[1] = 0xe1;
  EXPECT_EQ(decode_msr_insn(other_map).status, DecodeStatus::NotMsrInsn);
  Bytes other_pp = imm_form(true, 0, kSyn);
  other_pp[2] = 0x79;  // pp = 66
  EXPECT_EQ(decode_msr_insn(other_pp).status, DecodeStatus::NotMsrInsn);
  EXPECT_EQ(decode_msr_insn(Bytes{0x66, 0x0f, 0x01, 0xc6}).status, DecodeStatus::NotMsrInsn);
}

TEST_F(EmulatorTest, WrmsrnsWritesEdxEaxToEcx) {
  frame.rcx = 0xffffffff00000000 | kSyn;  // upper half of rcx ignored
  frame.rdx = 0xdead000011223344;         // upper halves of rdx/rax ignored
  frame.rax = 0xbeef000055667788;
  frame.rip = 0x1000;
  ASSERT_EQ(run({0x0f, 0x01, 0xc6}), EmulationResult::Done);
  EXPECT_EQ(bank.read(0, kSyn, arch, MsrPath::Trap), 0x1122334455667788u);
  EXPECT_EQ(frame.rip, 0x1003u);
}

TEST_F(EmulatorTest, ImmFormsUseEveryRegister) {
  for (unsigned reg = 0; reg < 16; ++reg) {
    frame = {};
    frame_gpr(frame, reg) = 0x1000 + reg;
    ASSERT_EQ(run(imm_form(true, reg, kSyn)), EmulationResult::Done) << reg;
    EXPECT_EQ(bank.read(0, kSyn, arch, MsrPath::Trap), 0x1000u + reg);
    EXPECT_EQ(frame.rip, 9u);

    frame = {};
    ASSERT_EQ(run(imm_form(false, reg, kSyn)), EmulationResult::Done) << reg;
    EXPECT_EQ(frame_gpr(frame, reg), 0x1000u + reg);
  }
  testbed::GprFrame f{};
  frame_gpr(f, 9) = 1;
  EXPECT_EQ(f.r9, 1u);
  frame_gpr(f, 3) = 2;
  EXPECT_EQ(f.rbx, 2u);
}

TEST_F(EmulatorTest, UnknownMsrOrBadValueIsGp) {
  frame.rcx = 0x12345678;
  EXPECT_EQ(run({0x0f, 0x01, 0xc6}), EmulationResult::GeneralProtection);
  EXPECT_EQ(frame.rip, 0u) << "rip does not move on a fault";
  frame.rax = 1;
  frame.rdx = 0;
  EXPECT_EQ(run(imm_form(true, 0, kMsrTscAux)), EmulationResult::Done);
  frame.rax = 1ULL << 32;
  EXPECT_EQ(run(imm_form(true, 0, kMsrTscAux)), EmulationResult::GeneralProtection);
  EXPECT_EQ(run(imm_form(false, 0, 0x12345678)), EmulationResult::GeneralProtection);
}

TEST_F(EmulatorTest, ModelWithoutTheFeatureGetsUd) {
  GuestCpuid no_wrmsrns = cpu_model_with("+msr_imm");
  GuestCpuid no_imm = cpu_model_with("+wrmsrns");
  frame.rcx = kSyn;
  EXPECT_EQ(run({0x0f, 0x01, 0xc6}, no_wrmsrns), EmulationResult::InvalidOpcode);
  EXPECT_EQ(run(imm_form(true, 0, kSyn), no_imm), EmulationResult::InvalidOpcode);
  EXPECT_EQ(run(imm_form(false, 0, kSyn), no_imm), EmulationResult::InvalidOpcode);
  EXPECT_EQ(frame.rip, 0u);
}

TEST_F(EmulatorTest, InvalidEncodingIsUdAndCpl3IsGp) {
  Bytes memory_form = imm_form(true, 0, kSyn);
  memory_form[4] = 0x00;
  EXPECT_EQ(run(memory_form), EmulationResult::InvalidOpcode);
  frame.rcx = kSyn;
  EXPECT_EQ(run({0x0f, 0x01, 0xc6}, model, 3), EmulationResult::GeneralProtection);
  EXPECT_EQ(run({0x0f, 0x01}), EmulationResult::Truncated);
  EXPECT_EQ(run({0x0f, 0x30}), EmulationResult::NotMsrInsn);
}

}  // namespace
}  // namespace altpv::vmm
