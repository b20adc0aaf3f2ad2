// SPDX-License-Identifier: MIT
// Guest console: hypercall ConsoleWrite and COM1 data writes, kept raw on
// stdout (VMM diagnostics go to stderr). Shared by all vCPUs.
#pragma once

#include <cstdint>
#include <mutex>
#include <string_view>

namespace altpv::vmm {

class Console {
 public:
  // False, writing nothing, when `text` would take the run's console output
  // past limits::kConsoleBytes.
  bool write(std::string_view text);

 private:
  std::mutex mutex_;
  std::uint64_t written_ = 0;
};

}  // namespace altpv::vmm
