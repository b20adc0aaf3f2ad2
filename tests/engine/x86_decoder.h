// SPDX-License-Identifier: MIT
// An independent x86-64 decoder (Zydis) for checking the bytes the engine
// and the assembler produce, and the engine's own instruction decoder.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace altpv::testing {

struct DecodedInsn {
  std::string mnemonic;  // lower case, as Zydis names it: "nop", "jmp", "int3"
  std::size_t length = 0;
  // Where a relative branch goes, for an instruction at `address`.
  std::optional<std::uint64_t> branch_target;
  // The field that depends on where the instruction runs: a relative
  // branch's displacement, or the disp32 of an operand addressed from RIP
  // (or EIP); size 0 when there is none.
  bool rip_relative = false;
  bool eip_relative = false;  // 67-prefixed: relative to the 32-bit EIP
  std::size_t relative_offset = 0;
  std::size_t relative_size = 0;
  bool xop = false;  // AMD's XOP encoding (8f escape)
};

// Decodes the one instruction at p (at most `len` bytes), as if it were at
// `address`; nullopt if the bytes are not a valid instruction.
std::optional<DecodedInsn> decode_insn(const std::uint8_t* p, std::size_t len,
                                       std::uint64_t address = 0);

}  // namespace altpv::testing
