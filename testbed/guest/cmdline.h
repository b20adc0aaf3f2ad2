// SPDX-License-Identifier: MIT
// The guest command line: words separated by spaces, each either a flag
// ("list", "altpv.debug") or key=value ("run=boot.*", "altpv.features=-rdpid").
#pragma once

#include <string_view>

namespace altpv::guest {

class Cmdline {
 public:
  constexpr Cmdline() = default;
  constexpr explicit Cmdline(std::string_view text) : text_(text) {}

  // True if a word is exactly `flag`.
  bool has_flag(std::string_view flag) const;

  struct Value {
    bool found = false;
    std::string_view value;
  };
  // The value of the last `key=value` word (later words override earlier).
  Value value(std::string_view key) const;

  std::string_view text() const { return text_; }

 private:
  // Calls `fn(word)` for each word.
  template <typename Fn>
  void for_each_word(Fn fn) const;

  std::string_view text_;
};

}  // namespace altpv::guest
