// SPDX-License-Identifier: MIT
// Patch throughput: planning alone, and planning plus applying through each
// writer, on generated tables of two sizes so that growth is visible.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace altpv::bench {

struct PatchCase {
  std::string name;  // the registered benchmark
  const char* mode;  // "plan", "apply_boot" or "apply_process"
  std::size_t sites;
};

std::vector<PatchCase> register_patch_throughput();

}  // namespace altpv::bench
