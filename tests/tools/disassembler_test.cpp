// SPDX-License-Identifier: MIT
// The decoder the checker relies on: the MSR table for what Zydis 4.0 lacks,
// and the facts (RIP-relative, branch target, NOP) the checks read.
#include "disassembler.h"

#include <gtest/gtest.h>

#include <vector>

#include "alternative_bytes.h"
#include "msr_encodings.h"

namespace altpv::inspect {
namespace {

using Bytes = std::vector<std::uint8_t>;

Disassembly decode(const Bytes& b, std::uint64_t address = 0x1000) {
  return disassemble(b, address);
}

TEST(MsrEncodings, Wrmsrns) {
  const auto m = decode_msr_encoding(Bytes{0x0f, 0x01, 0xc6});
  ASSERT_TRUE(m);
  EXPECT_EQ(m->length, 3u);
  EXPECT_EQ(m->text, "wrmsrns");
}

TEST(MsrEncodings, WrmsrnsImmediate) {
  const auto m = decode_msr_encoding(Bytes{0xc4, 0xe7, 0x7a, 0xf6, 0xc0, 0x48, 0x00, 0x00, 0x00});
  ASSERT_TRUE(m);
  EXPECT_EQ(m->length, 9u);
  EXPECT_EQ(m->text, "wrmsrns $0x48, %rax");
}

TEST(MsrEncodings, RdmsrImmediateOtherRegisters) {
  const auto rdx = decode_msr_encoding(Bytes{0xc4, 0xe7, 0x7b, 0xf6, 0xc2, 0x10, 0, 0, 0});
  ASSERT_TRUE(rdx);
  EXPECT_EQ(rdx->text, "rdmsr $0x10, %rdx");
  // VEX.B clear (byte 1 c7): r8-r15.
  const auto r9 = decode_msr_encoding(Bytes{0xc4, 0xc7, 0x7b, 0xf6, 0xc1, 0x80, 0, 0, 0xc0});
  ASSERT_TRUE(r9);
  EXPECT_EQ(r9->text, "rdmsr $0xc0000080, %r9");
}

TEST(MsrEncodings, RejectsNearMisses) {
  // Cut off, memory ModRM, reg field set, wrong map, W1.
  EXPECT_FALSE(decode_msr_encoding(Bytes{0xc4, 0xe7, 0x7a, 0xf6, 0xc0, 0x48, 0x00, 0x00}));
  EXPECT_FALSE(decode_msr_encoding(Bytes{0xc4, 0xe7, 0x7a, 0xf6, 0x00, 0x48, 0, 0, 0}));
  EXPECT_FALSE(decode_msr_encoding(Bytes{0xc4, 0xe7, 0x7a, 0xf6, 0xc8, 0x48, 0, 0, 0}));
  EXPECT_FALSE(decode_msr_encoding(Bytes{0xc4, 0xe3, 0x7a, 0xf6, 0xc0, 0x48, 0, 0, 0}));
  EXPECT_FALSE(decode_msr_encoding(Bytes{0xc4, 0xe7, 0xfa, 0xf6, 0xc0, 0x48, 0, 0, 0}));
  EXPECT_FALSE(decode_msr_encoding(Bytes{0x0f, 0x01}));
}

TEST(Disassembler, MixesTableAndZydis) {
  const Disassembly d = decode({0x2e, 0x0f, 0x30, 0x0f, 0x01, 0xc6, 0xc4, 0xe7, 0x7b, 0xf6, 0xc0,
                                0x10, 0x00, 0x00, 0x00, 0x0f, 0x32});
  ASSERT_TRUE(d.complete()) << d.error;
  ASSERT_EQ(d.instructions.size(), 4u);
  EXPECT_NE(d.instructions[0].text.find("wrmsr"), std::string::npos);
  EXPECT_EQ(d.instructions[1].text, "wrmsrns");
  EXPECT_EQ(d.instructions[1].offset, 3u);
  EXPECT_EQ(d.instructions[2].text, "rdmsr $0x10, %rax");
  EXPECT_EQ(d.instructions[3].text, "rdmsr");
  EXPECT_EQ(d.instructions[3].offset, 15u);
}

TEST(Disassembler, ReportsPartialInstructions) {
  EXPECT_FALSE(decode({0x90, 0x0f}).complete());
  EXPECT_NE(decode({0x90, 0x0f}).error.find("+1"), std::string::npos);
  // An immediate form cut off: neither the table nor Zydis decode it.
  EXPECT_FALSE(decode({0xc4, 0xe7, 0x7a, 0xf6, 0xc0, 0x48}).complete());
}

TEST(Disassembler, FlagsRipRelativeOperands) {
  const Disassembly d = decode({0x48, 0x8d, 0x05, 0x00, 0x00, 0x00, 0x00});  // lea 0(%rip),%rax
  ASSERT_EQ(d.instructions.size(), 1u);
  EXPECT_TRUE(d.instructions[0].rip_relative);
  EXPECT_FALSE(decode({0x48, 0x8d, 0x04, 0x24}).instructions[0].rip_relative);  // lea (%rsp)
}

TEST(Disassembler, ResolvesBranchTargetsAtTheGivenAddress) {
  const Disassembly call = decode({0xe8, 0x10, 0x00, 0x00, 0x00}, 0x4000);
  ASSERT_TRUE(call.instructions[0].branch_target);
  EXPECT_EQ(*call.instructions[0].branch_target, 0x4015u);
  EXPECT_EQ(call.instructions[0].text, "call 0x4015");
  const Disassembly jz = decode({0x74, 0xfe}, 0x4000);  // jz to itself
  EXPECT_EQ(*jz.instructions[0].branch_target, 0x4000u);
  EXPECT_FALSE(decode({0x90}).instructions[0].branch_target);
}

TEST(Disassembler, EngineNopFillDecodesAsNops) {
  for (std::size_t len = 1; len <= 11; ++len) {
    const Disassembly d = disassemble(nop_fill(len), 0);
    ASSERT_TRUE(d.complete()) << len;
    ASSERT_EQ(d.instructions.size(), 1u) << len;
    EXPECT_TRUE(d.instructions[0].nop) << len << ": " << d.instructions[0].text;
  }
  EXPECT_FALSE(decode({0x31, 0xc0}).instructions[0].nop);
}

TEST(Disassembler, HexBytes) {
  EXPECT_EQ(hex_bytes(Bytes{0x0f, 0x01, 0xc6}), "0f 01 c6");
}

}  // namespace
}  // namespace altpv::inspect
