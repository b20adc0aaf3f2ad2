// SPDX-License-Identifier: MIT
#include "console.h"

#include <cstdio>

#include "guest_limits.h"

namespace altpv::vmm {

bool Console::write(std::string_view text) {
  std::lock_guard lock(mutex_);
  if (text.size() > limits::kConsoleBytes - written_) return false;
  written_ += text.size();
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  return true;
}

}  // namespace altpv::vmm
