// SPDX-License-Identifier: MIT
#include "figure_lines.h"

#include <sstream>

#include "console_lines.h"
#include "parse_error.h"

namespace altpv::demo {
namespace {

std::uint64_t field(const std::string& word, std::string_view key, std::string_view line) {
  if (!word.starts_with(key)) {
    throw ParseError("figure line lacks " + std::string(key) + ": '" + std::string(line) + "'");
  }
  return parse_number(std::string_view(word).substr(key.size()), key);
}

}  // namespace

std::vector<FigureLine> parse_figures(std::string_view console) {
  std::vector<FigureLine> figures;
  for (std::string_view line : tagged_lines(console, "figure ")) {
    std::istringstream in{std::string(line)};
    std::string strategy, op, insns, exits, extra;
    if (!(in >> strategy >> op >> insns >> exits) || (in >> extra)) {
      throw ParseError("malformed figure line: '" + std::string(line) + "'");
    }
    figures.push_back({strategy, op, field(insns, "insns=", line), field(exits, "exits=", line)});
  }
  return figures;
}

}  // namespace altpv::demo
