// SPDX-License-Identifier: MIT
// relocate_code() on code in a buffer, moved to addresses near and far:
// Zydis reads the absolute target of every branch and RIP-relative operand
// before and after, and they must be the same (outside the copied bytes)
// or move with the bytes (inside).
#include "altpv/engine/relocation.h"

#include <gtest/gtest.h>

#include <cstring>
#include <optional>
#include <vector>

#include "x86_decoder.h"

namespace altpv::testing {
namespace {

using Bytes = std::vector<std::uint8_t>;

// The absolute address each instruction of `code` refers to, as Zydis
// decodes it at `address` (nullopt for instructions without one).
std::vector<std::optional<std::uint64_t>> targets(const Bytes& code, std::uint64_t address) {
  std::vector<std::optional<std::uint64_t>> out;
  for (std::size_t at = 0; at < code.size();) {
    const std::optional<DecodedInsn> z =
        decode_insn(code.data() + at, code.size() - at, address + at);
    if (!z) {
      ADD_FAILURE() << "Zydis cannot decode +" << at;
      return out;
    }
    if (z->rip_relative) {
      std::int32_t disp;
      std::memcpy(&disp, code.data() + at + z->relative_offset, sizeof disp);
      out.push_back(address + at + z->length + static_cast<std::uint64_t>(std::int64_t{disp}));
    } else {
      out.push_back(z->branch_target);
    }
    at += z->length;
  }
  return out;
}

struct Moved {
  RelocationResult result;
  Bytes bytes;
};

Moved relocate(const Bytes& code, std::uintptr_t dst) {
  Moved m{{}, Bytes(code.size())};
  m.result = relocate_code(code.data(), code.size(), dst, m.bytes.data());
  return m;
}

std::uintptr_t addr(const Bytes& b) {
  return reinterpret_cast<std::uintptr_t>(b.data());
}

Bytes le32(std::int32_t v) {
  Bytes out(4);
  std::memcpy(out.data(), &v, 4);
  return out;
}

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// Every instruction form that leaves the copied bytes, each reaching a
// different address 64 KiB to 1 GiB away.
Bytes leaving_code() {
  return cat({
      {0xe8},
      le32(-0x10000),  // call
      {0xe9},
      le32(0x20000),  // jmp
      {0x0f, 0x85},
      le32(0x30000),  // jne
      {0xc7, 0xf8},
      le32(0x40000),  // xbegin
      {0x48, 0x8d, 0x05},
      le32(-0x50000),  // lea disp(%rip),%rax
      {0xc7, 0x05},
      le32(0x60000),
      le32(0x1234),  // movl $0x1234,disp(%rip): imm after disp
      {0xc4, 0xe2, 0x79, 0x18, 0x05},
      le32(0x3fffffff),  // vbroadcastss disp(%rip)
      {0x62, 0xf1, 0x7c, 0x48, 0x28, 0x05},
      le32(-0x3fffffff),  // vmovaps disp(%rip),%zmm0
  });
}

TEST(Relocation, OutsideTargetsKeepTheirAddress) {
  const Bytes code = leaving_code();
  const auto before = targets(code, addr(code));
  for (const std::int64_t shift : {std::int64_t{0x100000}, std::int64_t{-0x123456},
                                   std::int64_t{0x40000000}, std::int64_t{-0x40000000}}) {
    SCOPED_TRACE(shift);
    const std::uintptr_t dst = addr(code) + static_cast<std::uintptr_t>(shift);
    const Moved m = relocate(code, dst);
    ASSERT_EQ(m.result.refusal, Refusal::None);
    EXPECT_EQ(targets(m.bytes, dst), before);
    EXPECT_NE(m.bytes, code);
  }
}

TEST(Relocation, ACopyInPlaceIsTheSameBytes) {
  const Bytes code = leaving_code();
  const Moved m = relocate(code, addr(code));
  ASSERT_EQ(m.result.refusal, Refusal::None);
  EXPECT_EQ(m.bytes, code);
}

// Targets inside, including the end (where the site goes on), move with
// the bytes: the copy is the same bytes.
TEST(Relocation, InsideTargetsMoveWithTheBytes) {
  const Bytes code = {
      0x31, 0xc0,                                // xor %eax,%eax
      0xb9, 0x03, 0x00, 0x00, 0x00,              // mov $3,%ecx
      0x83, 0xc0, 0x07,                          // 1: add $7,%eax
      0xe2, 0xfb,                                // loop 1b
      0x48, 0x8d, 0x0d, 0x02, 0x00, 0x00, 0x00,  // lea 2f(%rip),%rcx
      0x75, 0x02,                                // jne 3f (the end)
      0x0f, 0x0b,                                // 2: ud2
  };                                             // 3:
  const auto before = targets(code, addr(code));
  const std::uintptr_t dst = addr(code) + 0x7654321;
  const Moved m = relocate(code, dst);
  ASSERT_EQ(m.result.refusal, Refusal::None);
  EXPECT_EQ(m.bytes, code);
  const auto after = targets(m.bytes, dst);
  ASSERT_EQ(after.size(), before.size());
  for (std::size_t i = 0; i < before.size(); ++i) {
    ASSERT_EQ(after[i].has_value(), before[i].has_value());
    if (before[i]) {
      EXPECT_EQ(*after[i] - dst, *before[i] - addr(code)) << i;
    }
  }
  EXPECT_EQ(*after[5] - dst, code.size());  // jne lands on the end
}

// A rel8 leaving the bytes is adjusted when the new displacement fits and
// refused when it does not (it is never widened).
TEST(Relocation, Rel8IsAdjustedOrRefused) {
  const Bytes code = {0x90, 0xeb, 0x40, 0x90};  // nop; jmp .+0x42; nop
  const auto before = targets(code, addr(code));
  const Moved near = relocate(code, addr(code) + 0x30);
  ASSERT_EQ(near.result.refusal, Refusal::None);
  EXPECT_EQ(near.bytes[2], 0x10);
  EXPECT_EQ(targets(near.bytes, addr(code) + 0x30), before);
  const Moved back = relocate(code, addr(code) - 0x3f);  // 0x40 + 0x3f = 127
  ASSERT_EQ(back.result.refusal, Refusal::None);
  EXPECT_EQ(back.bytes[2], 0x7f);

  const Moved far = relocate(code, addr(code) - 0x40);  // would need 128
  EXPECT_EQ(far.result.refusal, Refusal::RelocOutOfRange);
  EXPECT_EQ(far.result.offset, 1u);
  const Moved loop = relocate({0xe2, 0x10}, 0x1000);
  EXPECT_EQ(loop.result.refusal, Refusal::RelocOutOfRange);
}

// The new rel32 may be exactly INT32_MIN..INT32_MAX.
TEST(Relocation, Rel32FitsUpToItsLimits) {
  const Bytes call = cat({{0x90, 0xe8}, le32(1)});  // nop; call to one past the end
  const std::uintptr_t target = addr(call) + call.size() + 1;
  const struct {
    std::int64_t new_disp;
    bool fits;
  } cases[] = {{INT32_MAX, true},
               {std::int64_t{INT32_MAX} + 1, false},
               {INT32_MIN, true},
               {std::int64_t{INT32_MIN} - 1, false}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.new_disp);
    // new_disp = target - (dst + 6)
    const std::uintptr_t dst = target - static_cast<std::uintptr_t>(c.new_disp) - 6;
    const Moved m = relocate(call, dst);
    if (!c.fits) {
      EXPECT_EQ(m.result.refusal, Refusal::RelocOutOfRange);
      EXPECT_EQ(m.result.offset, 1u);
      continue;
    }
    ASSERT_EQ(m.result.refusal, Refusal::None);
    std::int32_t got;
    std::memcpy(&got, m.bytes.data() + 2, 4);
    EXPECT_EQ(got, c.new_disp);
  }
}

TEST(Relocation, RefusesBytesThatDoNotDecode) {
  const struct {
    const char* what;
    Bytes code;
    std::size_t offset;
  } cases[] = {
      {"invalid opcode", {0x90, 0x90, 0x06}, 2},
      {"instruction cut by the end", {0x90, 0xe8, 0x01, 0x02}, 1},
      {"lone escape", {0x0f}, 0},
      {"66-prefixed call", {0x66, 0xe8, 0x01, 0x02}, 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    const Moved m = relocate(c.code, 0x1000);
    EXPECT_EQ(m.result.refusal, Refusal::Undecodable);
    EXPECT_EQ(m.result.offset, c.offset);
  }
  EXPECT_EQ(relocate({}, 0x1000).result.refusal, Refusal::None);
}

}  // namespace
}  // namespace altpv::testing
