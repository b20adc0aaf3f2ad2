// SPDX-License-Identifier: MIT
// Encodings the disassembler (Zydis 4.0) does not know, decoded from a small
// table before Zydis is asked: WRMSRNS and the MSR immediate forms.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace altpv::inspect {

struct MsrEncoding {
  std::size_t length = 0;
  std::string text;  // AT&T syntax, e.g. "wrmsrns $0x48, %rax"
};

// The instruction at the start of `bytes` if it is one of:
//   0f 01 c6                    wrmsrns
//   c4 e7 7a f6 c0+r imm32      wrmsrns $imm32, %r64   (VEX.B clear: r8-r15)
//   c4 e7 7b f6 c0+r imm32      rdmsr $imm32, %r64
// nullopt otherwise, including when the bytes end before the instruction.
std::optional<MsrEncoding> decode_msr_encoding(std::span<const std::uint8_t> bytes);

}  // namespace altpv::inspect
