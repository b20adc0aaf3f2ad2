// SPDX-License-Identifier: MIT
// What an exception handler sees: the registers the entry stubs
// (exception_entry.S) push below the CPU's own iretq frame. The handler may
// change any field; the stub restores them all and returns with iretq.
#pragma once

#include <cstdint>

namespace altpv::guest {

struct ExceptionFrame {
  // Pushed by exception_entry.S, rax last (lowest address).
  std::uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
  std::uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
  std::uint64_t vector;
  std::uint64_t error_code;  // 0 for vectors without one
  // Pushed by the CPU.
  std::uint64_t rip, cs, rflags, rsp, ss;
};

// Vectors the guest names.
enum Vector : std::uint64_t {
  kDivideError = 0,
  kBreakpoint = 3,
  kInvalidOpcode = 6,
  kGeneralProtection = 13,
  kPageFault = 14,
};

inline constexpr unsigned kExceptionVectors = 32;

}  // namespace altpv::guest
