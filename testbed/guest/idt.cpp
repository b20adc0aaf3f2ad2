// SPDX-License-Identifier: MIT
#include "idt.h"

#include <cstdint>

#include "exception_frame.h"
#include "segments.h"

extern "C" const std::uint64_t exception_stubs[altpv::guest::kExceptionVectors];

namespace altpv::guest {
namespace {

// A 64-bit interrupt gate (SDM vol. 3A, 6.14.1).
struct IdtGate {
  std::uint16_t offset_low;
  std::uint16_t selector;
  std::uint8_t ist;
  std::uint8_t type_attr;
  std::uint16_t offset_mid;
  std::uint32_t offset_high;
  std::uint32_t reserved;
};
static_assert(sizeof(IdtGate) == 16);

// Present, DPL 0, 64-bit interrupt gate: interrupts stay off in handlers.
constexpr std::uint8_t kInterruptGate = 0x8e;

struct [[gnu::packed]] IdtPointer {
  std::uint16_t limit;
  std::uint64_t base;
};

// Vectors above 31 have no gate: nothing raises them (interrupts are off),
// and a stray `int n` raises #GP instead.
alignas(16) constinit IdtGate idt[kExceptionVectors] = {};

}  // namespace

void idt_init() {
  for (unsigned v = 0; v < kExceptionVectors; ++v) {
    const std::uint64_t stub = exception_stubs[v];
    idt[v] = IdtGate{static_cast<std::uint16_t>(stub),
                     GUEST_CODE_SELECTOR,
                     0,
                     kInterruptGate,
                     static_cast<std::uint16_t>(stub >> 16),
                     static_cast<std::uint32_t>(stub >> 32),
                     0};
  }
}

void idt_load() {
  const IdtPointer pointer{sizeof idt - 1, reinterpret_cast<std::uint64_t>(idt)};
  asm volatile("lidt %0" : : "m"(pointer));
}

}  // namespace altpv::guest
