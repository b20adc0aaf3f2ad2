// SPDX-License-Identifier: MIT
#include "console_lines.h"

#include <charconv>
#include <string>

#include "parse_error.h"

namespace altpv::demo {

std::vector<std::string_view> tagged_lines(std::string_view console, std::string_view tag) {
  std::vector<std::string_view> lines;
  while (!console.empty()) {
    const std::size_t end = console.find('\n');
    std::string_view line = console.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.starts_with(tag)) lines.push_back(line.substr(tag.size()));
    if (end == std::string_view::npos) break;
    console.remove_prefix(end + 1);
  }
  return lines;
}

std::uint64_t parse_number(std::string_view text, std::string_view what) {
  int base = 10;
  if (text.starts_with("0x")) {
    text.remove_prefix(2);
    base = 16;
  }
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) {
    throw ParseError(std::string(what) + ": not a number: '" + std::string(text) + "'");
  }
  return value;
}

}  // namespace altpv::demo
