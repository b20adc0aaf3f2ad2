// SPDX-License-Identifier: MIT
// Console output over the ConsoleWrite hypercall, formatted with
// altpv::TextBuffer. One line is one hypercall, so lines from several vCPUs
// never interleave mid-line.
#pragma once

#include <cstddef>
#include <string_view>

#include "altpv/engine/text_buffer.h"

namespace guest {

void console_write(std::string_view text);

// Builds a line and writes it, newline added, when it goes out of scope:
//   Line().out().str("boot: ").dec(n);
class Line {
 public:
  static constexpr std::size_t kCapacity =
      640;  // fits a decision line of the longest site; longer lines are truncated

  Line() : text_(buf_, kCapacity) {}
  ~Line();
  Line(const Line&) = delete;
  Line& operator=(const Line&) = delete;

  altpv::TextBuffer& out() { return text_; }

 private:
  char buf_[kCapacity + 1];  // + the newline, which truncation must not drop
  altpv::TextBuffer text_;
};

}  // namespace guest
