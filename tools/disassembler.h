// SPDX-License-Identifier: MIT
// Decoding site bytes into instructions: the MSR table first (msr_encodings.h),
// then Zydis. AT&T syntax with lower-case hex, to read like objdump.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace altpv::inspect {

struct Instruction {
  std::size_t offset = 0;  // from the first decoded byte
  std::vector<std::uint8_t> bytes;
  std::string text;
  bool nop = false;
  bool rip_relative = false;  // has a memory operand addressed relative to RIP
  // Absolute target of a relative jump or call, given the decoding address.
  std::optional<std::uint64_t> branch_target;
};

struct Disassembly {
  std::vector<Instruction> instructions;
  // Empty when every byte decoded into whole instructions; otherwise what
  // stopped decoding ("invalid instruction at +3", "truncated ...").
  std::string error;

  bool complete() const { return error.empty(); }
};

// Decodes all of `bytes` as if they ran at `address` (which only affects
// branch targets and RIP-relative operands as printed).
Disassembly disassemble(std::span<const std::uint8_t> bytes, std::uint64_t address);

// "0f 01 c6"
std::string hex_bytes(std::span<const std::uint8_t> bytes);

}  // namespace altpv::inspect
