// SPDX-License-Identifier: MIT
#include "altpv/extable.h"

#include "altpv/engine/site_records.h"

namespace altpv {

// Linear: faults on covered code are rare and the table is small.
std::uintptr_t find_fixup(const ExtableEntry* begin, const ExtableEntry* end, std::uintptr_t rip) {
  for (const ExtableEntry* e = begin; e != end; ++e) {
    const std::uintptr_t start = resolve_offset(e->start);
    if (rip >= start && rip - start < e->len) return resolve_offset(e->fixup);
  }
  return 0;
}

}  // namespace altpv
