// SPDX-License-Identifier: MIT
// Must not compile: a preserving stub and handler in a translation unit
// built with SSE (msr.preserving_stub_needs_general_regs, tests/msr).
#include <cstdint>

#include "altpv/native_abi.h"

extern "C" {
[[ALTPV_PRESERVING_HANDLER]] void preserving_handler(std::uint64_t msr) noexcept {
  asm volatile("" : : "r"(msr));
}
extern const char preserving_stub[];
}

ALTPV_PRESERVING_STUB(preserving_stub, preserving_handler, "rdi", "mov %ecx, %edi", "");
