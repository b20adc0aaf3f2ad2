// SPDX-License-Identifier: MIT
// The guest's altpv.debug report, one line per patch site, in the format of
// altpv::format_decision (src/engine/report.cpp):
//   altpv: site 3 @0x1011a0 op 2 const 0x40000100 len 17: alt 2 [wrmsrns] bytes
//          | <old bytes> -> <new bytes> patched
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace altpv::demo {

struct SiteDecision {
  unsigned index = 0;
  std::uint64_t address = 0;
  unsigned op = 0;
  std::optional<std::uint32_t> constant;
  unsigned len = 0;
  std::optional<unsigned> alternative;  // empty: the original stays
  std::string condition;                // e.g. "wrmsrns", "!pv"; empty for the original
  std::string kind;                     // bytes, call, call/rz; empty for the original
  std::string old_bytes;                // hex, space separated
  std::string new_bytes;                // empty when refused
  std::string verdict;                  // patched, unchanged, REFUSED: <why>

  // "original", or "alt 2 [wrmsrns] bytes".
  std::string choice() const;
};

// In console order. Throws ParseError on a malformed line.
std::vector<SiteDecision> parse_decisions(std::string_view console);

// The decision for the site that starts inside [begin, end), if exactly one does.
const SiteDecision* find_site_in(const std::vector<SiteDecision>& decisions, std::uint64_t begin,
                                 std::uint64_t end);

}  // namespace altpv::demo
