// SPDX-License-Identifier: MIT
// Comparing register frames before and after a site or stub, for host and
// guest tests alike (freestanding: no allocation).
#pragma once

#include <cstdint>

#include "altpv/native_abi.h"
#include "altpv/engine/text_buffer.h"

namespace altpv::testing {

// Register slots, in NativeRegs order.
enum class Reg : unsigned {
  Rax,
  Rbx,
  Rcx,
  Rdx,
  Rsi,
  Rdi,
  Rbp,
  R8,
  R9,
  R10,
  R11,
  R12,
  R13,
  R14,
  R15
};
inline constexpr unsigned kRegCount = 15;
inline constexpr const char* kRegNames[kRegCount] = {"rax", "rbx", "rcx", "rdx", "rsi",
                                                     "rdi", "rbp", "r8",  "r9",  "r10",
                                                     "r11", "r12", "r13", "r14", "r15"};

constexpr unsigned reg_bit(Reg r) {
  return 1u << static_cast<unsigned>(r);
}

inline std::uint64_t& reg(NativeRegs& r, unsigned i) {
  return (&r.rax)[i];
}
inline std::uint64_t reg(const NativeRegs& r, unsigned i) {
  return (&r.rax)[i];
}

// Deterministic and freestanding: good enough to fill registers.
struct XorShift64 {
  std::uint64_t state;
  std::uint64_t operator()() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  }
};

inline NativeRegs random_regs(XorShift64& rng) {
  NativeRegs r;
  for (unsigned i = 0; i < kRegCount; ++i) reg(r, i) = rng();
  return r;
}

// Names of the registers that differ, outside the `allowed` bits: "" when
// none does, else e.g. "r9 rbx ".
struct ChangedRegisters {
  char text[96];
};

inline ChangedRegisters changed_registers(const NativeRegs& before, const NativeRegs& after,
                                          unsigned allowed) {
  ChangedRegisters out;
  TextBuffer names(out.text, sizeof out.text);
  for (unsigned i = 0; i < kRegCount; ++i) {
    if ((allowed >> i & 1) == 0 && reg(before, i) != reg(after, i)) {
      names.str(kRegNames[i]).chr(' ');
    }
  }
  return out;
}

}  // namespace altpv::testing
