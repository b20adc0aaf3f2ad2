// SPDX-License-Identifier: MIT
#include "alternative_bytes.h"

#include <cstring>

#include <fmt/format.h>

#include "altpv/engine/nop_fill.h"
#include "altpv/engine/planner.h"
#include "altpv/engine/report.h"

namespace altpv::inspect {
namespace {}  // namespace

std::span<const AltRecord> alternatives(const SiteRecord& site) {
  return {reinterpret_cast<const AltRecord*>(site.alts_address()), site.nalts};
}

std::string alternative_label(std::size_t index, const AltRecord& alt) {
  char cond[32];
  format_condition(alt.cond, cond, sizeof cond);
  return fmt::format("alt {} [{}] {}", index, cond, alt_kind_name(alt.kind));
}

std::span<const std::uint8_t> original_bytes(const SiteRecord& site) {
  return {reinterpret_cast<const std::uint8_t*>(site.orig_address()), site.len};
}

std::span<const std::uint8_t> carried_bytes(const AltRecord& alt) {
  return {reinterpret_cast<const std::uint8_t*>(alt.repl_address()),
          alt.len - call_length(alt.kind)};
}

std::vector<std::uint8_t> nop_fill(std::size_t len) {
  std::vector<std::uint8_t> out(len);
  // An empty vector's data() may be null, which fill_nops' memcpy must not get.
  if (len != 0) fill_nops(out.data(), len);
  return out;
}

SiteCopy copy_to_site(const SiteRecord& site, std::span<const std::uint8_t> from_repl) {
  SiteCopy copy{std::vector<std::uint8_t>(from_repl.size()), {}};
  copy.relocation =
      relocate_code(from_repl.data(), from_repl.size(), site.site_address(), copy.bytes.data());
  return copy;
}

std::optional<std::vector<std::uint8_t>> rendered_bytes(const SiteRecord& site,
                                                        const AltRecord& alt) {
  SiteCopy copy = copy_to_site(site, carried_bytes(alt));
  if (copy.relocation.refusal != Refusal::None) return std::nullopt;
  copy.bytes.resize(site.len);
  fill_nops(copy.bytes.data() + alt.len, site.len - alt.len);
  return copy.bytes;
}

std::optional<std::uint64_t> call_target(const SiteRecord& site, const AltRecord& alt,
                                         std::span<const std::uint8_t> bytes, std::uint64_t address,
                                         SiteCode::Form form) {
  std::uintptr_t target = 0;
  if (bytes.size() != site.len ||
      !decode_rendered_call(site, alt, bytes.data(), address, &target, form)) {
    return std::nullopt;
  }
  return target;
}

}  // namespace altpv::inspect
