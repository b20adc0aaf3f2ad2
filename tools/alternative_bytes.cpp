#include "alternative_bytes.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "altpv/nop_fill.h"
#include "altpv/report.h"

namespace altpv::inspect {
namespace {

// The red-zone step the engine puts before the call (planner.cpp).
constexpr std::uint8_t kLeaRspMinus128[] = {0x48, 0x8d, 0x64, 0x24, 0x80};
constexpr std::uint8_t kCallRel32 = 0xe8;
constexpr std::size_t kCallRel32Length = 5;

}  // namespace

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

std::size_t call_length(AltKind kind) {
  switch (kind) {
    case AltKind::Call:
      return ALTPV_CALL_LENGTH;
    case AltKind::CallSkipRedZone:
      return ALTPV_CALL_RZ_LENGTH;
    case AltKind::Bytes:
      break;
  }
  return 0;
}

std::span<const std::uint8_t> carried_bytes(const AltRecord& alt) {
  return {reinterpret_cast<const std::uint8_t*>(alt.repl_address()),
          alt.len - call_length(alt.kind)};
}

std::vector<std::uint8_t> nop_fill(std::size_t len) {
  std::vector<std::uint8_t> out(len);
  fill_nops(out.data(), len);
  return out;
}

std::vector<std::uint8_t> rendered_bytes(const SiteRecord& site, const AltRecord& alt) {
  std::vector<std::uint8_t> out(site.len);
  const auto repl = carried_bytes(alt);
  std::copy(repl.begin(), repl.end(), out.begin());
  fill_nops(out.data() + alt.len, site.len - alt.len);
  return out;
}

std::optional<std::uint64_t> call_target(const SiteRecord& site, const AltRecord& alt,
                                         std::span<const std::uint8_t> bytes,
                                         std::uint64_t address) {
  if (alt.kind == AltKind::Bytes || bytes.size() != site.len) return std::nullopt;
  const auto setup = carried_bytes(alt);
  std::size_t pos = setup.size();
  if (!std::equal(setup.begin(), setup.end(), bytes.begin())) return std::nullopt;
  if (alt.kind == AltKind::CallSkipRedZone) {
    if (std::memcmp(bytes.data() + pos, kLeaRspMinus128, sizeof kLeaRspMinus128) != 0) {
      return std::nullopt;
    }
    pos += sizeof kLeaRspMinus128;
  }
  if (bytes[pos] != kCallRel32) return std::nullopt;
  std::int32_t rel;
  std::memcpy(&rel, bytes.data() + pos + 1, sizeof rel);
  const auto fill = nop_fill(site.len - alt.len);
  if (!std::equal(fill.begin(), fill.end(), bytes.begin() + alt.len)) return std::nullopt;
  // rel32 counts from the end of the call instruction.
  return address + pos + kCallRel32Length + static_cast<std::int64_t>(rel);
}

}  // namespace altpv::inspect
