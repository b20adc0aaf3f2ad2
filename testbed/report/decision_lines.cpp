// SPDX-License-Identifier: MIT
#include "decision_lines.h"

#include <regex>

#include "console_lines.h"
#include "parse_error.h"

namespace altpv::demo {
namespace {

// Mirrors format_decision: the optional <symbol+off>, const and alternative
// parts, then "| old -> new verdict" (no "-> new" when refused).
const std::regex kLine(
    R"(site (\d+) @(0x[0-9a-f]+)(?: <[^>]*>)? op (\d+)(?: const (0x[0-9a-f]+))? len (\d+): )"
    R"((?:original|alt (\d+) \[([^\]]*)\] (\S+)))"
    R"((?: \| ((?:[0-9a-f]{2} ?)+?)(?: -> ((?:[0-9a-f]{2} ?)+?))?)? (patched|unchanged|REFUSED.*))");

}  // namespace

std::string SiteDecision::choice() const {
  if (!alternative) return "original";
  return "alt " + std::to_string(*alternative) + " [" + condition + "] " + kind;
}

std::vector<SiteDecision> parse_decisions(std::string_view console) {
  std::vector<SiteDecision> decisions;
  for (std::string_view line : tagged_lines(console, "altpv: site ")) {
    const std::string text = "site " + std::string(line);
    std::smatch m;
    if (!std::regex_match(text, m, kLine)) {
      throw ParseError("malformed decision line: 'altpv: " + text + "'");
    }
    SiteDecision d;
    d.index = static_cast<unsigned>(parse_number(m.str(1), "site"));
    d.address = parse_number(m.str(2), "site address");
    d.op = static_cast<unsigned>(parse_number(m.str(3), "op"));
    if (m[4].matched) d.constant = static_cast<std::uint32_t>(parse_number(m.str(4), "const"));
    d.len = static_cast<unsigned>(parse_number(m.str(5), "len"));
    if (m[6].matched) {
      d.alternative = static_cast<unsigned>(parse_number(m.str(6), "alt"));
      d.condition = m.str(7);
      d.kind = m.str(8);
    }
    d.old_bytes = m.str(9);
    d.new_bytes = m.str(10);
    d.verdict = m.str(11);
    decisions.push_back(std::move(d));
  }
  return decisions;
}

const SiteDecision* find_site_in(const std::vector<SiteDecision>& decisions, std::uint64_t begin,
                                 std::uint64_t end) {
  const SiteDecision* found = nullptr;
  for (const SiteDecision& d : decisions) {
    if (d.address < begin || d.address >= end) continue;
    if (found != nullptr) return nullptr;
    found = &d;
  }
  return found;
}

}  // namespace altpv::demo
