// SPDX-License-Identifier: MIT
// Sites declared with site.h in this test binary, each with a probe that
// says how long its original is, so the assembler's padding can be checked.
#pragma once

#include <cstdint>
#include <span>

namespace altpv::testing {

struct PaddingProbe {
  std::int32_t site;           // -> the site, self-relative
  std::uint32_t original_len;  // bytes of the original before the padding

  std::uintptr_t site_address() const {
    return reinterpret_cast<std::uintptr_t>(&site) + static_cast<std::intptr_t>(site);
  }
};

std::span<const PaddingProbe> padding_probes();

// How many sites padded_sites.cpp declares.
inline constexpr std::size_t kPaddedSites = 6;

}  // namespace altpv::testing
