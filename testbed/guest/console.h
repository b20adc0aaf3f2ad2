// SPDX-License-Identifier: MIT
// Console output: the ConsoleWrite hypercall, or COM1 on a PVH boot
// (platform.h). One line is one hypercall, so lines from several vCPUs never
// interleave mid-line. Two kinds of line:
// text for people (Line), and the records hosts read (JsonLine, the
// guest->host channel of docs/testbed.md).
#pragma once

#include <cstddef>
#include <string_view>

#include "altpv/engine/text_buffer.h"
#include "json_writer.h"

namespace altpv::guest {

// The platform's console (platform.cpp).
void console_write(std::string_view text);

// Builds a line and writes it, newline added, when it goes out of scope:
//   Line().out().str("boot: ").dec(n);
class Line {
 public:
  static constexpr std::size_t kCapacity = 640;  // longer lines are truncated

  Line() : text_(buf_, kCapacity) {}
  ~Line();
  Line(const Line&) = delete;
  Line& operator=(const Line&) = delete;

  TextBuffer& out() { return text_; }

 private:
  char buf_[kCapacity + 1];  // + the newline, which truncation must not drop
  TextBuffer text_;
};

// Builds one record and writes it as one line when it goes out of scope:
//   JsonLine("figure").out().str("strategy", "altpv").num("insns", 6);
// A record that does not fit is never cut short (the host could not parse
// it): {"type":"truncated","of":"<type>"} goes out instead, which hosts
// report as an error.
class JsonLine {
 public:
  static constexpr std::size_t kCapacity = 1024;  // a decision of a 64-byte site fits

  explicit JsonLine(std::string_view type)
      : type_(type), text_(buf_, kCapacity), object_(text_, type) {}
  ~JsonLine();
  JsonLine(const JsonLine&) = delete;
  JsonLine& operator=(const JsonLine&) = delete;

  JsonObject& out() { return object_; }

 private:
  std::string_view type_;
  char buf_[kCapacity + 1];
  TextBuffer text_;
  JsonObject object_;
};

}  // namespace altpv::guest
