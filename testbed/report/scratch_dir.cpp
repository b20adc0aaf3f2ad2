// SPDX-License-Identifier: MIT
#include "scratch_dir.h"

#include <cerrno>
#include <cstdlib>
#include <system_error>

namespace altpv::testbed::report {

ScratchDir::ScratchDir() {
  std::string path = (std::filesystem::temp_directory_path() / "altpv-run.XXXXXX").string();
  if (mkdtemp(path.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "mkdtemp " + path);
  }
  path_ = path;
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string ScratchDir::file(std::string_view name) const {
  return (path_ / name).string();
}

}  // namespace altpv::testbed::report
