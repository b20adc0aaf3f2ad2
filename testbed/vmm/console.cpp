// SPDX-License-Identifier: MIT
#include "console.h"

#include <cstdio>

namespace altpv::vmm {

void Console::write(std::string_view text) {
  std::lock_guard lock(mutex_);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

}  // namespace altpv::vmm
