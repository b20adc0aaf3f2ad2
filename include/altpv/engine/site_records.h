// SPDX-License-Identifier: MIT
// The binary format of patch sites: what site.h emits and the engine reads.
// Every pointer is a self-relative 32-bit offset, so the tables need no
// relocation in a PIE process or a relocated kernel. See docs/site-format.md.
#pragma once

#include <cstddef>
#include <cstdint>

#include "altpv/feature_bits.h"
#include "altpv/engine/site_kinds.h"

namespace altpv {

// Longest site the format allows; the assembler rejects longer ones.
inline constexpr std::size_t kMaxSiteLength = ALTPV_MAX_SITE_LENGTH;

enum class AltKind : std::uint8_t {
  Bytes = ALTPV_KIND_BYTES,              // replacement bytes copied verbatim
  Call = ALTPV_KIND_CALL,                // `call rel32` to the backend's stub
  CallSkipRedZone = ALTPV_KIND_CALL_RZ,  // `lea -128(%rsp),%rsp; call rel32`
};

// Reads a self-relative offset stored at `field`.
inline std::uintptr_t resolve_offset(const std::int32_t& field) {
  return reinterpret_cast<std::uintptr_t>(&field) + static_cast<std::intptr_t>(field);
}

// One alternative of a site (section altpv_alts, 8 bytes).
struct AltRecord {
  std::int32_t repl;   // -> replacement bytes, or a call's setup bytes, in altpv_repl
  std::uint16_t cond;  // feature bit, | ALTPV_COND_NOT, or ALTPV_COND_ALWAYS
  AltKind kind;
  std::uint8_t len;  // bytes this alternative occupies in the site (a call's
                     // setup bytes are len minus the call's length)

  std::uintptr_t repl_address() const { return resolve_offset(repl); }
};
static_assert(sizeof(AltRecord) == 8);

enum SiteFlags : std::uint8_t {
  kSiteHasConstant = 1u << 0,  // `constant` is meaningful (e.g. an MSR index)
};

// One patch site (section altpv_sites, 24 bytes).
struct SiteRecord {
  std::int32_t site;       // -> first byte of the site in .text
  std::int32_t orig;       // -> copy of the original, `len` bytes, in altpv_repl
  std::int32_t alts;       // -> first of `nalts` AltRecords
  std::uint32_t constant;  // site constant, see kSiteHasConstant
  std::uint16_t op;        // op id: which stub family a call alternative uses
  std::uint8_t len;        // site length: the longest alternative, padded
  std::uint8_t nalts;
  std::uint8_t flags;  // SiteFlags
  std::uint8_t reserved[3];

  std::uintptr_t site_address() const { return resolve_offset(site); }
  std::uintptr_t orig_address() const { return resolve_offset(orig); }
  std::uintptr_t alts_address() const { return resolve_offset(alts); }
  bool has_constant() const { return (flags & kSiteHasConstant) != 0; }
};
static_assert(sizeof(SiteRecord) == 24);

// Where a site table and the code it patches live. Every record is checked
// against these bounds before anything is read through it.
struct SiteTable {
  const SiteRecord* sites_begin = nullptr;
  const SiteRecord* sites_end = nullptr;
  const AltRecord* alts_begin = nullptr;
  const AltRecord* alts_end = nullptr;
  const std::uint8_t* repl_begin = nullptr;
  const std::uint8_t* repl_end = nullptr;
  std::uintptr_t text_begin = 0;  // the patchable code range
  std::uintptr_t text_end = 0;

  std::size_t size() const { return static_cast<std::size_t>(sites_end - sites_begin); }
};

}  // namespace altpv
