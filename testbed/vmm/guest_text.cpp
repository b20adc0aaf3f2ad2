// SPDX-License-Identifier: MIT
#include "guest_text.h"

#include <cstdint>

#include <fmt/format.h>

namespace altpv::vmm {
namespace {

// The length of the well-formed UTF-8 sequence at the start of `s`
// (Unicode 15, table 3-7: no overlongs, no surrogates, nothing above
// U+10FFFF), or 0.
std::size_t utf8_length(std::string_view s) {
  auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(s[i]); };
  auto cont = [&](std::size_t i, std::uint8_t lo = 0x80, std::uint8_t hi = 0xbf) {
    return i < s.size() && byte(i) >= lo && byte(i) <= hi;
  };
  const std::uint8_t b = byte(0);
  if (b < 0x80) return 1;
  if (b >= 0xc2 && b <= 0xdf) return cont(1) ? 2 : 0;
  if (b == 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if (b == 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (b >= 0xe1 && b <= 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (b == 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b >= 0xf1 && b <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b == 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

// C0 controls, DEL, and the C1 controls (U+0080..U+009F, encoded c2 80..9f),
// which include the single-character CSI some terminals obey.
bool is_control(std::string_view sequence) {
  const auto b = static_cast<std::uint8_t>(sequence[0]);
  if (sequence.size() == 1) return b < 0x20 || b == 0x7f;
  return b == 0xc2 && static_cast<std::uint8_t>(sequence[1]) < 0xa0;
}

}  // namespace

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const std::size_t n = utf8_length(text);
    const std::string_view sequence = text.substr(0, n == 0 ? 1 : n);
    if (n == 0 || is_control(sequence)) {
      for (char c : sequence) out += fmt::format("\\x{:02x}", static_cast<std::uint8_t>(c));
    } else {
      out += sequence;
    }
    text.remove_prefix(sequence.size());
  }
  return out;
}

}  // namespace altpv::vmm
