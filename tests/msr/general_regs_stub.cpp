// SPDX-License-Identifier: MIT
// Built with -mgeneral-regs-only (tests/msr/CMakeLists.txt): a hosted
// translation unit that cannot touch vector state gets general-registers-
// only stubs by default, decided at compile time.
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
