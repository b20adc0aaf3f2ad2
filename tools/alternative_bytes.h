// SPDX-License-Identifier: MIT
// What each alternative of a site puts into the site, for sites that
// altpv::validate_site accepted (so every pointer below is in bounds).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "altpv/backend.h"
#include "altpv/engine/relocation.h"
#include "altpv/engine/site_records.h"

namespace altpv::inspect {

// The site's alternative records, in priority order.
std::span<const AltRecord> alternatives(const SiteRecord& site);

// "alt 1 [wrmsrns] bytes", as the engine's report names the choice.
std::string alternative_label(std::size_t index, const AltRecord& alt);

// The site's original bytes (padding included), as copied to altpv_repl.
std::span<const std::uint8_t> original_bytes(const SiteRecord& site);

// The bytes `alt` carries in altpv_repl: all of a Bytes alternative, or the
// setup instructions before a call (possibly none). The engine copies them
// into the site relocated (copy_to_site).
std::span<const std::uint8_t> carried_bytes(const AltRecord& alt);

// Bytes from altpv_repl as the engine copies them into `site`: relocated to
// its address. `bytes` is unusable when relocation.refusal is set.
struct SiteCopy {
  std::vector<std::uint8_t> bytes;
  RelocationResult relocation;
};
SiteCopy copy_to_site(const SiteRecord& site, std::span<const std::uint8_t> from_repl);

// The engine's NOP fill for a gap of `len` bytes.
std::vector<std::uint8_t> nop_fill(std::size_t len);

// The site bytes of a Bytes alternative: its replacement, relocated, then
// NOP fill; nullopt when the engine cannot relocate it.
std::optional<std::vector<std::uint8_t>> rendered_bytes(const SiteRecord& site,
                                                        const AltRecord& alt);

// If `bytes` (the site's bytes at `address`) are call alternative `alt` as
// the engine renders it (with its setup, or bare), the call's target;
// nullopt otherwise.
std::optional<std::uint64_t> call_target(const SiteRecord& site, const AltRecord& alt,
                                         std::span<const std::uint8_t> bytes, std::uint64_t address,
                                         SiteCode::Form form = SiteCode::Form::Call);

}  // namespace altpv::inspect
