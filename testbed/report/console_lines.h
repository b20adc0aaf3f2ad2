// SPDX-License-Identifier: MIT
// The guest console, line by line: the lines that start with a given tag.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace altpv::demo {

// The rest of each line of `console` that starts with `tag`, in order.
std::vector<std::string_view> tagged_lines(std::string_view console, std::string_view tag);

// Parses a whole hex (with 0x) or decimal number; throws ParseError naming `what`.
std::uint64_t parse_number(std::string_view text, std::string_view what);

}  // namespace altpv::demo
