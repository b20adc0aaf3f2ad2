// SPDX-License-Identifier: MIT
#include "progress.h"

#include <mutex>

#include <fmt/format.h>

namespace altpv::demo {
namespace {

std::mutex output;

}  // namespace

void Progress::step(const std::string& what) const {
  if (quiet_) return;
  const std::lock_guard lock(output);
  fmt::print(stderr, "\n==> {}\n", what);
}

void Progress::item(const std::string& what) const {
  if (quiet_) return;
  const std::lock_guard lock(output);
  fmt::print(stderr, "    {}\n", what);
}

}  // namespace altpv::demo
