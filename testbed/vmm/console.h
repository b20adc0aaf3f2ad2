// SPDX-License-Identifier: MIT
// Guest console: hypercall ConsoleWrite and COM1 data writes, kept raw on
// stdout (VMM diagnostics go to stderr). Shared by all vCPUs.
#pragma once

#include <mutex>
#include <string_view>

namespace altpv::vmm {

class Console {
 public:
  void write(std::string_view text);

 private:
  std::mutex mutex_;
};

}  // namespace altpv::vmm
