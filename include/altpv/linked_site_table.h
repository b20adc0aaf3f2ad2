// SPDX-License-Identifier: MIT
// The site table and the exception table of the image this code is linked
// into, from the section bounds the linker provides: GNU ld defines
// __start_/__stop_ symbols for the altpv sections by itself; a kernel's
// linker script defines the same names by INCLUDEing altpv_tables.ld
// (docs/freestanding.md). Freestanding-safe.
#pragma once

#include <cstdint>

#include "altpv/engine/key_sites.h"
#include "altpv/engine/site_records.h"
#include "altpv/extable.h"

// Weak: an image without any site still links (the bounds are then null).
// Hidden: in a process every image (executable, shared library) sees its own.
#define ALTPV_SECTION_BOUND __attribute__((weak, visibility("hidden")))
extern "C" {
extern const altpv::SiteRecord __start_altpv_sites[] ALTPV_SECTION_BOUND;
extern const altpv::SiteRecord __stop_altpv_sites[] ALTPV_SECTION_BOUND;
extern const altpv::AltRecord __start_altpv_alts[] ALTPV_SECTION_BOUND;
extern const altpv::AltRecord __stop_altpv_alts[] ALTPV_SECTION_BOUND;
extern const std::uint8_t __start_altpv_repl[] ALTPV_SECTION_BOUND;
extern const std::uint8_t __stop_altpv_repl[] ALTPV_SECTION_BOUND;
extern const altpv::ExtableEntry __start_altpv_extable[] ALTPV_SECTION_BOUND;
extern const altpv::ExtableEntry __stop_altpv_extable[] ALTPV_SECTION_BOUND;
extern const altpv::SiteRecord __start_altpv_key_sites[] ALTPV_SECTION_BOUND;
extern const altpv::SiteRecord __stop_altpv_key_sites[] ALTPV_SECTION_BOUND;
extern const altpv::KeyRef __start_altpv_key_refs[] ALTPV_SECTION_BOUND;
extern const altpv::KeyRef __stop_altpv_key_refs[] ALTPV_SECTION_BOUND;
}
#undef ALTPV_SECTION_BOUND

namespace altpv {

// The linked image's tables, checked against [text_begin, text_end): a
// process takes that range from its program headers, a kernel from its
// linker script. Hidden, like the bounds: an inline function with default
// visibility could bind to another image's copy, and read its bounds.
[[gnu::visibility("hidden")]] inline SiteTable linked_site_table(std::uintptr_t text_begin,
                                                                 std::uintptr_t text_end) {
  return {__start_altpv_sites, __stop_altpv_sites, __start_altpv_alts, __stop_altpv_alts,
          __start_altpv_repl,  __stop_altpv_repl,  text_begin,         text_end};
}

// Where a fault at `rip` resumes, from the linked image's exception table, or
// 0 when no entry covers it. A kernel's #GP handler calls this.
[[gnu::visibility("hidden")]] inline std::uintptr_t linked_fixup(std::uintptr_t rip) {
  return find_fixup(__start_altpv_extable, __stop_altpv_extable, rip);
}

// The linked image's key sites (altpv/key.h), checked the same way.
[[gnu::visibility("hidden")]] inline KeyTable linked_key_table(std::uintptr_t text_begin,
                                                               std::uintptr_t text_end) {
  return {{__start_altpv_key_sites, __stop_altpv_key_sites, __start_altpv_alts, __stop_altpv_alts,
           __start_altpv_repl, __stop_altpv_repl, text_begin, text_end},
          __start_altpv_key_refs,
          __stop_altpv_key_refs};
}

}  // namespace altpv
