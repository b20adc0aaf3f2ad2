// SPDX-License-Identifier: MIT
#include "expect.h"

namespace altpv::guest {

bool expect_true(bool value, const char* text, const char* file, int line) {
  if (value) return true;
  char buf[256];
  altpv::TextBuffer msg(buf, sizeof buf);
  failure_at(msg, file, line).str(text).str(" to hold");
  record_failure(msg.view());
  return false;
}

}  // namespace altpv::guest
