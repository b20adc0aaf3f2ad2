// SPDX-License-Identifier: MIT
// The MSR-instruction decoder and executor shared by both emulation paths.
#include "insn_emulator.h"

#include <gtest/gtest.h>

#include <vector>

#include "fake_arch_msrs.h"

namespace altpv::vmm {
namespace {

using Bytes = std::vector<std::uint8_t>;
constexpr std::uint32_t kSyn = 0x40000105;

// VEX3 map-7 F6 /0 with register `reg` (0..15) and imm32 `msr`.
Bytes ImmForm(bool write, unsigned reg, std::uint32_t msr) {
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

CpuModel Model(const char* overrides) {
  kvm_cpuid_entry2 leaf0{}, leaf7{}, leaf71{};
  leaf0.eax = 7;
  leaf7.function = leaf71.function = 7;
  leaf7.eax = 1;
  leaf71.index = 1;
  CpuModel m({leaf0, leaf7, leaf71});
  m.ApplyOverrides(overrides);
  return m;
}

struct EmulatorTest : ::testing::Test {
  CpuModel model = Model("+wrmsrns,+msr_imm");
  MsrBank bank{MsrLog()};
  FakeArchMsrs arch;
  testbed::GprFrame frame{};

  EmulationResult Run(const Bytes& bytes, const CpuModel& m, unsigned cpl = 0) {
    return EmulateMsrInsn(bytes, frame, {m, bank, arch, 0, cpl});
  }
  EmulationResult Run(const Bytes& bytes) { return Run(bytes, model); }
};

TEST(MsrInsnDecoder, Wrmsrns) {
  Decoded d = DecodeMsrInsn(Bytes{0x0f, 0x01, 0xc6, 0x90});
  ASSERT_EQ(d.status, DecodeStatus::Ok);
  EXPECT_EQ(d.insn.kind, MsrInsnKind::Wrmsrns);
  EXPECT_EQ(d.insn.length, 3u);
}

TEST(MsrInsnDecoder, SegmentPrefixesCount) {
  Decoded d = DecodeMsrInsn(Bytes{0x2e, 0x3e, 0x0f, 0x01, 0xc6});
  ASSERT_EQ(d.status, DecodeStatus::Ok);
  EXPECT_EQ(d.insn.length, 5u);
}

TEST(MsrInsnDecoder, AllSixteenRegistersInBothImmForms) {
  for (bool write : {true, false}) {
    for (unsigned reg = 0; reg < 16; ++reg) {
      Decoded d = DecodeMsrInsn(ImmForm(write, reg, kSyn));
      ASSERT_EQ(d.status, DecodeStatus::Ok) << reg;
      EXPECT_EQ(d.insn.kind, write ? MsrInsnKind::WrmsrnsImm : MsrInsnKind::RdmsrImm);
      EXPECT_EQ(d.insn.reg, reg);
      EXPECT_EQ(d.insn.index, kSyn);
      EXPECT_EQ(d.insn.length, 9u);
    }
  }
}

TEST(MsrInsnDecoder, TruncatedBytes) {
  Bytes full = ImmForm(true, 0, kSyn);
  for (std::size_t n = 0; n < full.size(); ++n) {
    EXPECT_EQ(DecodeMsrInsn(Bytes(full.begin(), full.begin() + n)).status, DecodeStatus::Truncated)
        << n;
  }
  EXPECT_EQ(DecodeMsrInsn(Bytes{0x0f, 0x01}).status, DecodeStatus::Truncated);
  EXPECT_EQ(DecodeMsrInsn(Bytes{0x2e}).status, DecodeStatus::Truncated);
}

TEST(MsrInsnDecoder, RejectsMemoryAndInvalidForms) {
  Bytes b = ImmForm(true, 0, kSyn);
  for (std::uint8_t modrm : {0x00, 0x40, 0x80, 0xc8 /* reg=1 */}) {
    Bytes m = b;
    m[4] = modrm;
    EXPECT_EQ(DecodeMsrInsn(m).status, DecodeStatus::Invalid) << int(modrm);
  }
  Bytes w1 = b;
  w1[2] |= 0x80;  // VEX.W1
  EXPECT_EQ(DecodeMsrInsn(w1).status, DecodeStatus::Invalid);
  Bytes l1 = b;
  l1[2] |= 0x04;  // VEX.L1
  EXPECT_EQ(DecodeMsrInsn(l1).status, DecodeStatus::Invalid);
  Bytes vvvv = b;
  vvvv[2] &= ~0x08;  // vvvv != 1111b
  EXPECT_EQ(DecodeMsrInsn(vvvv).status, DecodeStatus::Invalid);
  Bytes r = b;
  r[1] &= ~0x80;  // VEX.R set: reg would be 8
  EXPECT_EQ(DecodeMsrInsn(r).status, DecodeStatus::Invalid);
}

TEST(MsrInsnDecoder, OtherInstructionsAreNotOurs) {
  EXPECT_EQ(DecodeMsrInsn(Bytes{0x0f, 0x30}).status, DecodeStatus::NotMsrInsn);  // WRMSR
  EXPECT_EQ(DecodeMsrInsn(Bytes{0x0f, 0x01, 0xe8}).status, DecodeStatus::NotMsrInsn);
  EXPECT_EQ(DecodeMsrInsn(Bytes{0x90}).status, DecodeStatus::NotMsrInsn);
  // Another map, another opcode, another pp: AVX-style VEX, not ours.
  Bytes other_map = ImmForm(true, 0, kSyn);
  other_map[1] = 0xe1;
  EXPECT_EQ(DecodeMsrInsn(other_map).status, DecodeStatus::NotMsrInsn);
  Bytes other_pp = ImmForm(true, 0, kSyn);
  other_pp[2] = 0x79;  // pp = 66
  EXPECT_EQ(DecodeMsrInsn(other_pp).status, DecodeStatus::NotMsrInsn);
  EXPECT_EQ(DecodeMsrInsn(Bytes{0x66, 0x0f, 0x01, 0xc6}).status, DecodeStatus::NotMsrInsn);
}

TEST_F(EmulatorTest, WrmsrnsWritesEdxEaxToEcx) {
  frame.rcx = 0xffffffff00000000 | kSyn;  // upper half of rcx ignored
  frame.rdx = 0xdead000011223344;         // upper halves of rdx/rax ignored
  frame.rax = 0xbeef000055667788;
  frame.rip = 0x1000;
  ASSERT_EQ(Run({0x0f, 0x01, 0xc6}), EmulationResult::Done);
  EXPECT_EQ(bank.Read(0, kSyn, arch, MsrPath::Trap), 0x1122334455667788u);
  EXPECT_EQ(frame.rip, 0x1003u);
}

TEST_F(EmulatorTest, ImmFormsUseEveryRegister) {
  for (unsigned reg = 0; reg < 16; ++reg) {
    frame = {};
    FrameGpr(frame, reg) = 0x1000 + reg;
    ASSERT_EQ(Run(ImmForm(true, reg, kSyn)), EmulationResult::Done) << reg;
    EXPECT_EQ(bank.Read(0, kSyn, arch, MsrPath::Trap), 0x1000u + reg);
    EXPECT_EQ(frame.rip, 9u);

    frame = {};
    ASSERT_EQ(Run(ImmForm(false, reg, kSyn)), EmulationResult::Done) << reg;
    EXPECT_EQ(FrameGpr(frame, reg), 0x1000u + reg);
  }
  testbed::GprFrame f{};
  FrameGpr(f, 9) = 1;
  EXPECT_EQ(f.r9, 1u);
  FrameGpr(f, 3) = 2;
  EXPECT_EQ(f.rbx, 2u);
}

TEST_F(EmulatorTest, UnknownMsrOrBadValueIsGp) {
  frame.rcx = 0x12345678;
  EXPECT_EQ(Run({0x0f, 0x01, 0xc6}), EmulationResult::GeneralProtection);
  EXPECT_EQ(frame.rip, 0u) << "rip does not move on a fault";
  frame.rax = 1;
  frame.rdx = 0;
  EXPECT_EQ(Run(ImmForm(true, 0, kMsrTscAux)), EmulationResult::Done);
  frame.rax = 1ULL << 32;
  EXPECT_EQ(Run(ImmForm(true, 0, kMsrTscAux)), EmulationResult::GeneralProtection);
  EXPECT_EQ(Run(ImmForm(false, 0, 0x12345678)), EmulationResult::GeneralProtection);
}

TEST_F(EmulatorTest, ModelWithoutTheFeatureGetsUd) {
  CpuModel no_wrmsrns = Model("+msr_imm");
  CpuModel no_imm = Model("+wrmsrns");
  frame.rcx = kSyn;
  EXPECT_EQ(Run({0x0f, 0x01, 0xc6}, no_wrmsrns), EmulationResult::InvalidOpcode);
  EXPECT_EQ(Run(ImmForm(true, 0, kSyn), no_imm), EmulationResult::InvalidOpcode);
  EXPECT_EQ(Run(ImmForm(false, 0, kSyn), no_imm), EmulationResult::InvalidOpcode);
  EXPECT_EQ(frame.rip, 0u);
}

TEST_F(EmulatorTest, InvalidEncodingIsUdAndCpl3IsGp) {
  Bytes memory_form = ImmForm(true, 0, kSyn);
  memory_form[4] = 0x00;
  EXPECT_EQ(Run(memory_form), EmulationResult::InvalidOpcode);
  frame.rcx = kSyn;
  EXPECT_EQ(Run({0x0f, 0x01, 0xc6}, model, 3), EmulationResult::GeneralProtection);
  EXPECT_EQ(Run({0x0f, 0x01}), EmulationResult::Truncated);
  EXPECT_EQ(Run({0x0f, 0x30}), EmulationResult::NotMsrInsn);
}

}  // namespace
}  // namespace altpv::vmm
