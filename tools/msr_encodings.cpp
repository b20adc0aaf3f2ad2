// SPDX-License-Identifier: MIT
#include "msr_encodings.h"

#include <cstring>

#include <fmt/format.h>

namespace altpv::inspect {
namespace {

constexpr std::uint8_t kWrmsrns[] = {0x0f, 0x01, 0xc6};

// The immediate forms: VEX3 (c4), map 7, W0, L0, vvvv=1111, then opcode f6
// with a register-direct ModRM whose reg field is 0, then the MSR index.
constexpr std::uint8_t kVex3 = 0xc4;
constexpr std::uint8_t kVexMap7 = 0x07;    // low five bits of VEX byte 1
constexpr std::uint8_t kVexRXMask = 0xc0;  // ~R and ~X: both set (no extension)
constexpr std::uint8_t kVexNotB = 0x20;    // ~B: clear selects r8-r15
constexpr std::uint8_t kVexPpF3 = 0x7a;    // W0 vvvv=1111 L0 pp=F3: WRMSRNS
constexpr std::uint8_t kVexPpF2 = 0x7b;    // W0 vvvv=1111 L0 pp=F2: RDMSR
constexpr std::uint8_t kOpcode = 0xf6;
constexpr std::uint8_t kModRmRegDirect = 0xc0;  // mod=11 reg=000
constexpr std::size_t kImmFormLength = 9;

constexpr const char* kRegisters[] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                      "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};

}  // namespace

std::optional<MsrEncoding> decode_msr_encoding(std::span<const std::uint8_t> b) {
  if (b.size() >= sizeof kWrmsrns && std::memcmp(b.data(), kWrmsrns, sizeof kWrmsrns) == 0) {
    return MsrEncoding{sizeof kWrmsrns, "wrmsrns"};
  }
  if (b.size() < kImmFormLength || b[0] != kVex3 || (b[1] & 0x1f) != kVexMap7 ||
      (b[1] & kVexRXMask) != kVexRXMask || (b[2] != kVexPpF3 && b[2] != kVexPpF2) ||
      b[3] != kOpcode || (b[4] & 0xf8) != kModRmRegDirect) {
    return std::nullopt;
  }
  const unsigned reg = (b[4] & 7u) + ((b[1] & kVexNotB) == 0 ? 8u : 0u);
  std::uint32_t msr;
  std::memcpy(&msr, b.data() + 5, sizeof msr);
  const char* mnemonic = b[2] == kVexPpF3 ? "wrmsrns" : "rdmsr";
  return MsrEncoding{kImmFormLength, fmt::format("{} ${:#x}, %{}", mnemonic, msr, kRegisters[reg])};
}

}  // namespace altpv::inspect
