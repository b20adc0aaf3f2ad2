// SPDX-License-Identifier: MIT
// A bounded, allocation-free string builder for freestanding code: reports,
// feature lists, and the testbed guest's console output.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace altpv {

class TextBuffer {
 public:
  TextBuffer(char* buf, std::size_t size) : buf_(buf), size_(size) { terminate(); }

  TextBuffer& str(std::string_view s);
  // A NUL-terminated string (nullptr: nothing). Measuring it on the way
  // avoids std::string_view's strlen, which freestanding code lacks.
  TextBuffer& str(const char* s);
  TextBuffer& chr(char c);
  TextBuffer& dec(std::uint64_t v);
  TextBuffer& sdec(std::int64_t v);
  // Lower-case hex, at least `digits` digits, no prefix.
  TextBuffer& hex(std::uint64_t v, unsigned digits = 1);
  // "0f 30 66 90" style.
  TextBuffer& bytes(const std::uint8_t* p, std::size_t n);

  std::size_t length() const { return len_; }
  std::string_view view() const { return {buf_, len_}; }
  bool truncated() const { return truncated_; }

 private:
  void terminate() {
    if (size_ > 0) buf_[len_ < size_ ? len_ : size_ - 1] = '\0';
  }

  char* buf_;
  std::size_t size_;
  std::size_t len_ = 0;
  bool truncated_ = false;
};

}  // namespace altpv
