// SPDX-License-Identifier: MIT
#include "cmdline.h"

namespace altpv::guest {

template <typename Fn>
void Cmdline::for_each_word(Fn fn) const {
  std::string_view rest = text_;
  while (!rest.empty()) {
    const std::size_t space = rest.find(' ');
    const std::string_view word = rest.substr(0, space);
    if (!word.empty()) fn(word);
    rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
  }
}

bool Cmdline::has_flag(std::string_view flag) const {
  bool found = false;
  for_each_word([&](std::string_view word) { found = found || word == flag; });
  return found;
}

Cmdline::Value Cmdline::value(std::string_view key) const {
  Value result;
  for_each_word([&](std::string_view word) {
    if (word.size() > key.size() && word.starts_with(key) && word[key.size()] == '=') {
      result = {true, word.substr(key.size() + 1)};
    }
  });
  return result;
}

}  // namespace altpv::guest
