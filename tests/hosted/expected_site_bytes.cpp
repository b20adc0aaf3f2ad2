// SPDX-License-Identifier: MIT
#include "expected_site_bytes.h"

#include <cstring>

#include "altpv/engine/nop_fill.h"
#include "altpv/engine/planner.h"

namespace altpv::testing {

std::vector<std::uint8_t> expected_site_bytes(const SiteRecord& site, int chosen,
                                              const void* stub) {
  const auto* orig = reinterpret_cast<const std::uint8_t*>(site.orig_address());
  if (chosen == kOriginal) return {orig, orig + site.len};

  const AltRecord& alt = reinterpret_cast<const AltRecord*>(site.alts_address())[chosen];
  const auto* repl = reinterpret_cast<const std::uint8_t*>(alt.repl_address());
  std::vector<std::uint8_t> out;
  if (alt.kind == AltKind::Bytes) {
    out.assign(repl, repl + alt.len);
  } else {
    // Setup bytes, [lea -128(%rsp),%rsp,] call rel32 to the stub.
    const std::size_t call_len =
        alt.kind == AltKind::Call ? ALTPV_CALL_LENGTH : ALTPV_CALL_RZ_LENGTH;
    out.assign(repl, repl + (alt.len - call_len));
    if (alt.kind == AltKind::CallSkipRedZone) out.insert(out.end(), {0x48, 0x8d, 0x64, 0x24, 0x80});
    const auto rel =
        static_cast<std::int32_t>(reinterpret_cast<std::intptr_t>(stub) -
                                  static_cast<std::intptr_t>(site.site_address() + alt.len));
    std::uint8_t rel_bytes[4];
    std::memcpy(rel_bytes, &rel, 4);
    out.push_back(0xe8);
    out.insert(out.end(), rel_bytes, rel_bytes + 4);
  }
  out.resize(site.len);
  fill_nops(out.data() + alt.len, site.len - alt.len);
  return out;
}

}  // namespace altpv::testing
