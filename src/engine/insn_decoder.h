// SPDX-License-Identifier: MIT
// An x86-64 instruction-length decoder: how long an instruction is and where
// its position-dependent field lies, which is all that copying code to
// another address needs (relocation.cpp). Freestanding: tables and
// arithmetic, no allocation.
//
// It knows the one-byte, 0F, 0F38, 0F3A and 3DNow! maps, VEX maps 1-3 and
// map 7 (the MSR immediate forms), and EVEX maps 1-3, 5 and 6. It refuses
// what it does not know, and the forms whose relocation has no single
// meaning: a 66-prefixed relative branch (rel16 on AMD, rel32 ignoring the
// prefix on Intel) and a 67-prefixed RIP-relative operand (EIP-relative).
#pragma once

#include <cstddef>
#include <cstdint>

namespace altpv {

// The architectural limit; longer byte runs are not one instruction.
inline constexpr std::size_t kMaxInsnLength = 15;

enum class RelativeField : std::uint8_t {
  None,
  Branch,       // rel8/rel32 of call, jmp, jcc, loop*, jrcxz, xbegin
  RipRelative,  // disp32 of a ModRM memory operand addressed from RIP
};

struct InsnLayout {
  std::uint8_t length = 0;
  RelativeField relative = RelativeField::None;
  std::uint8_t field_offset = 0;  // of the relative field, from the first byte
  std::uint8_t field_size = 0;    // 1 or 4
};

// Decodes the instruction at `p`, reading at most `avail` bytes. False when
// the bytes are not an instruction the decoder knows, or end before it does.
bool decode_insn_layout(const std::uint8_t* p, std::size_t avail, InsnLayout& out);

}  // namespace altpv
