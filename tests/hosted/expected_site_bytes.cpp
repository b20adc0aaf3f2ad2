// SPDX-License-Identifier: MIT
#include "expected_site_bytes.h"

#include <cstring>
#include <stdexcept>

#include "altpv/engine/nop_fill.h"
#include "altpv/engine/planner.h"
#include "altpv/engine/relocation.h"

namespace altpv::testing {
namespace {

// `len` bytes from altpv_repl as they run at the site (relocation_test.cpp
// checks relocate_code against Zydis).
std::vector<std::uint8_t> at_site(const SiteRecord& site, std::uintptr_t from, std::size_t len) {
  std::vector<std::uint8_t> out(len);
  const RelocationResult r = relocate_code(reinterpret_cast<const std::uint8_t*>(from), len,
                                           site.site_address(), out.data());
  if (r.refusal != Refusal::None) throw std::runtime_error(refusal_name(r.refusal));
  return out;
}

}  // namespace

std::vector<std::uint8_t> expected_site_bytes(const SiteRecord& site, int chosen,
                                              const void* stub) {
  if (chosen == kOriginal) return at_site(site, site.orig_address(), site.len);

  const AltRecord& alt = reinterpret_cast<const AltRecord*>(site.alts_address())[chosen];
  std::vector<std::uint8_t> out;
  if (alt.kind == AltKind::Bytes) {
    out = at_site(site, alt.repl_address(), alt.len);
  } else {
    // Setup bytes, [lea -128(%rsp),%rsp,] call rel32 to the stub.
    const std::size_t call_len =
        alt.kind == AltKind::Call ? ALTPV_CALL_LENGTH : ALTPV_CALL_RZ_LENGTH;
    out = at_site(site, alt.repl_address(), alt.len - call_len);
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
