// SPDX-License-Identifier: MIT
#include "altpv/engine/text_buffer.h"

namespace altpv {

TextBuffer& TextBuffer::chr(char c) {
  // Keep one byte for the terminator.
  if (len_ + 1 < size_) {
    buf_[len_++] = c;
  } else {
    truncated_ = true;
  }
  terminate();
  return *this;
}

TextBuffer& TextBuffer::str(std::string_view s) {
  for (char c : s) chr(c);
  return *this;
}

TextBuffer& TextBuffer::str(const char* s) {
  if (s != nullptr) {
    for (; *s != '\0'; ++s) chr(*s);
  }
  return *this;
}

TextBuffer& TextBuffer::dec(std::uint64_t v) {
  char digits[20];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0) chr(digits[--n]);
  return *this;
}

TextBuffer& TextBuffer::sdec(std::int64_t v) {
  if (v < 0) {
    chr('-');
    // Negate in unsigned arithmetic so INT64_MIN is well defined.
    return dec(~static_cast<std::uint64_t>(v) + 1);
  }
  return dec(static_cast<std::uint64_t>(v));
}

TextBuffer& TextBuffer::hex(std::uint64_t v, unsigned digits) {
  static constexpr char kDigits[] = "0123456789abcdef";
  unsigned n = 1;
  while (n < 16 && (v >> (4 * n)) != 0) ++n;
  if (digits > 16) digits = 16;
  if (n < digits) n = digits;
  while (n > 0) {
    --n;
    chr(kDigits[(v >> (4 * n)) & 0xf]);
  }
  return *this;
}

TextBuffer& TextBuffer::bytes(const std::uint8_t* p, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    if (i != 0) chr(' ');
    hex(p[i], 2);
  }
  return *this;
}

}  // namespace altpv
