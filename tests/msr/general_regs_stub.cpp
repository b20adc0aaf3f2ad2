// SPDX-License-Identifier: MIT
// Built with -mgeneral-regs-only (tests/msr/CMakeLists.txt): a hosted
// translation unit that cannot touch vector state gets general-registers-
// only stubs by default, decided at compile time, and may define preserving
// stubs, whose handlers keep every register themselves.
#include <cstdint>

#include "altpv/msr_backend.h"
#include "altpv/native_abi.h"

static_assert(ALTPV_STUB_SAVES_VECTOR_STATE == 0,
              "a translation unit built without SSE must get general-registers-only stubs");

extern "C" {
std::uint64_t gpr_stub_last_value = 0;

void gpr_stub_write(std::uint32_t, std::uint64_t value) noexcept {
  gpr_stub_last_value = value;
}

extern const char gpr_lean_write_stub[];
}

ALTPV_MSR_STUB_WRITE(gpr_lean_write_stub, gpr_stub_write);

// A preserving handler that writes every register the C ABI lets an
// ordinary function clobber, and records whether its local got the
// alignment it asked for (the stub does not realign; the handler must).
extern "C" {
std::uint64_t preserving_last_value = 0;
std::uint64_t preserving_misalignment = 0;

[[ALTPV_PRESERVING_HANDLER]] void preserving_write(std::uint64_t msr,
                                                   std::uint64_t value) noexcept {
  alignas(16) volatile std::uint64_t local[2] = {msr, value};
  // Through an asm, so the compiler cannot assume the alignment it asked for.
  auto address = reinterpret_cast<std::uintptr_t>(&local[0]);
  asm("" : "+r"(address));
  preserving_misalignment = address % 16;
  preserving_last_value = local[1];
  asm volatile(
      "xor %%eax, %%eax\n xor %%ecx, %%ecx\n xor %%edx, %%edx\n xor %%esi, %%esi\n"
      "xor %%edi, %%edi\n xor %%r8d, %%r8d\n xor %%r9d, %%r9d\n xor %%r10d, %%r10d\n"
      "xor %%r11d, %%r11d"
      :
      :
      : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11");
}

// A read: its stub pushes one register where the write's pushes two, so
// the two reach their handlers with the stack 8 bytes apart, and one of
// them misaligned for a handler that assumed the System V alignment.
[[ALTPV_PRESERVING_HANDLER]] altpv::MsrHalves preserving_read(std::uint64_t msr) noexcept {
  alignas(16) volatile std::uint64_t local[2] = {msr, msr};
  auto address = reinterpret_cast<std::uintptr_t>(&local[0]);
  asm("" : "+r"(address));
  preserving_misalignment |= address % 16;
  return {local[0] & 0xffffffffu, local[1] >> 32};
}

extern const char preserving_write_stub[], preserving_write_stub_without_rdi[],
    preserving_read_stub[];
}

ALTPV_MSR_PRESERVING_STUB_WRITE(preserving_write_stub, preserving_write);
ALTPV_MSR_PRESERVING_STUB_READ(preserving_read_stub, preserving_read);
// The same shape, but it never restores rdi, which it loads with the index.
ALTPV_PRESERVING_STUB(preserving_write_stub_without_rdi, preserving_write, "rsi",
                      ALTPV_MSR_PRESERVING_VAR_WRITE_ARGS, "");
