// SPDX-License-Identifier: MIT
// fill_nops() checked by an independent decoder: every length decodes as
// the intended NOP, or as a short JMP to the end of the fill over INT3s.
#include "altpv/engine/nop_fill.h"

#include <gtest/gtest.h>

#include <array>

#include "x86_decoder.h"

namespace altpv::testing {
namespace {

constexpr std::size_t kLongestFill = 129;  // what a rel8 JMP can cross
constexpr std::uint8_t kGuard = 0xa5;

TEST(NopFill, EveryLengthDecodesAsIntended) {
  for (std::size_t len = 1; len <= kLongestFill; ++len) {
    SCOPED_TRACE(len);
    std::array<std::uint8_t, kLongestFill + 8> buf;
    buf.fill(kGuard);
    fill_nops(buf.data(), len);
    for (std::size_t i = len; i < buf.size(); ++i) ASSERT_EQ(buf[i], kGuard) << "wrote past " << i;

    const std::optional<DecodedInsn> first = decode_insn(buf.data(), len);
    ASSERT_TRUE(first.has_value());
    if (len <= kMaxSingleNop) {
      EXPECT_EQ(first->mnemonic, "nop");
      EXPECT_EQ(first->length, len);
      continue;
    }
    EXPECT_EQ(first->mnemonic, "jmp");
    EXPECT_EQ(first->length, 2u);
    EXPECT_EQ(first->branch_target, std::optional<std::uint64_t>(len));
    for (std::size_t i = first->length; i < len; ++i) {
      const std::optional<DecodedInsn> trap = decode_insn(buf.data() + i, len - i);
      ASSERT_TRUE(trap.has_value());
      EXPECT_EQ(trap->mnemonic, "int3");
      EXPECT_EQ(trap->length, 1u);
    }
  }
}

TEST(NopFill, ZeroLengthWritesNothing) {
  std::array<std::uint8_t, 4> buf;
  buf.fill(kGuard);
  fill_nops(buf.data(), 0);
  for (std::uint8_t b : buf) EXPECT_EQ(b, kGuard);
}

}  // namespace
}  // namespace altpv::testing
