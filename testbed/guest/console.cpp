// SPDX-License-Identifier: MIT
#include "console.h"

#include "hypercall.h"

namespace guest {

void console_write(std::string_view text) {
  hypercall(altpv::testbed::Hypercall::ConsoleWrite, text);
}

Line::~Line() {
  const std::size_t len = text_.length();
  buf_[len] = '\n';
  console_write({buf_, len + 1});
}

}  // namespace guest
