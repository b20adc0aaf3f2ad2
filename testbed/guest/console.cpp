// SPDX-License-Identifier: MIT
#include "console.h"

namespace altpv::guest {

Line::~Line() {
  const std::size_t len = text_.length();
  buf_[len] = '\n';
  console_write({buf_, len + 1});
}

JsonLine::~JsonLine() {
  object_.close();
  std::size_t len = text_.length();
  if (text_.truncated()) {
    TextBuffer replacement(buf_, kCapacity);
    JsonObject(replacement, "truncated").str("of", type_).close();
    len = replacement.length();
  }
  buf_[len] = '\n';
  console_write({buf_, len + 1});
}

}  // namespace altpv::guest
