// SPDX-License-Identifier: MIT
// What a site must hold once alternative `chosen` is patched in, worked out
// from the site table and the stub independently of the planner (bytes from
// altpv_repl relocated by relocate_code, which is checked against Zydis).
#pragma once

#include <cstdint>
#include <vector>

#include "altpv/engine/site_records.h"

namespace altpv::testing {

std::vector<std::uint8_t> expected_site_bytes(const SiteRecord& site, int chosen, const void* stub);

}  // namespace altpv::testing
