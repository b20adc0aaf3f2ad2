// SPDX-License-Identifier: MIT
// Exception table: a fault anywhere inside a listed range of code resumes at
// that range's fixup. The _safe MSR ops use it so that a #GP becomes an
// error code; a kernel's #GP/#UD handler calls find_fixup().
#pragma once

#include <cstdint>

#include "altpv/site.h"

// Declares that a fault in [start, end) resumes at `fixup` (asm labels).
// The formatter would split the %-codes and labels in this asm text.
// clang-format off
#define ALTPV_EXTABLE(start, end, fixup)                                         \
  ALTPV_S(.pushsection altpv_extable, "a"; .balign 4; .long (start) - .;          \
          .long (fixup) - .; .long (end) - (start); .popsection)

namespace altpv {

struct ExtableEntry {
  std::int32_t start;  // self-relative -> first byte of the covered code
  std::int32_t fixup;  // self-relative -> where execution resumes
  std::uint32_t len;   // bytes covered
};
static_assert(sizeof(ExtableEntry) == 12);

// The fixup for a fault at `rip`, or 0 when no entry covers it.
std::uintptr_t find_fixup(const ExtableEntry* begin, const ExtableEntry* end, std::uintptr_t rip);

}  // namespace altpv
// clang-format on
