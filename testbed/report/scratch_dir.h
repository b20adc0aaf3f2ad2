// SPDX-License-Identifier: MIT
// A private directory under the system's temporary directory for the files
// one run needs (the VMM's outputs, QEMU's QMP commands, a modified guest
// copy), removed with everything in it when the object goes.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace altpv::testbed::report {

class ScratchDir {
 public:
  // Throws std::system_error when the directory cannot be made.
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  // The path of `name` in the directory (the file is not created).
  std::string file(std::string_view name) const;

 private:
  std::filesystem::path path_;
};

}  // namespace altpv::testbed::report
