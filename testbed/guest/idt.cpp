// SPDX-License-Identifier: MIT
#include "idt.h"

#include <cstdint>

#include "abi/abi.h"
#include "exception_frame.h"
#include "segments.h"

extern "C" const std::uint64_t exception_stubs[altpv::guest::kExceptionVectors];
extern "C" void timer_entry();  // vcpu_area.cpp

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

// The exceptions, then the timer (the VMM's only interrupt). Vectors above
// it have no gate: a stray `int n` raises #GP instead.
constexpr unsigned kGates = altpv::testbed::kTimerVector + 1;
static_assert(kGates == kExceptionVectors + 1);
alignas(16) constinit IdtGate idt[kGates] = {};

IdtGate gate_to(std::uint64_t entry) {
  return {static_cast<std::uint16_t>(entry),
          GUEST_CODE_SELECTOR,
          0,
          kInterruptGate,
          static_cast<std::uint16_t>(entry >> 16),
          static_cast<std::uint32_t>(entry >> 32),
          0};
}

}  // namespace

void idt_init() {
  for (unsigned v = 0; v < kExceptionVectors; ++v) idt[v] = gate_to(exception_stubs[v]);
  idt[altpv::testbed::kTimerVector] = gate_to(reinterpret_cast<std::uintptr_t>(&timer_entry));
}

void idt_load() {
  const IdtPointer pointer{sizeof idt - 1, reinterpret_cast<std::uint64_t>(idt)};
  asm volatile("lidt %0" : : "m"(pointer));
}

}  // namespace altpv::guest
