// SPDX-License-Identifier: MIT
// What the exception stubs call, and what tests can ask about the last
// exception a fixup resumed from.
#pragma once

#include <cstdint>

#include "exception_frame.h"

namespace altpv::guest {

// The last exception resumed at an exception-table fixup. The fixup code
// itself only learns that something faulted; tests that want to know what
// (vector, error code, where) read it here.
struct FixedUpException {
  std::uint64_t vector;
  std::uint64_t error_code;
  std::uint64_t rip;    // as the CPU pushed it
  std::uint64_t cr2;    // the faulting address, for #PF
  std::uint64_t count;  // fixups taken since boot
};

FixedUpException last_fixed_up_exception();

}  // namespace altpv::guest

// Called by exception_entry.S: resolves the exception (emulation, fixup) by
// rewriting the frame, or prints it and ends the guest.
extern "C" void handle_exception(altpv::guest::ExceptionFrame* frame);
