// SPDX-License-Identifier: MIT
// The checker: everything that makes a site unsafe or suspicious, found in a
// file on disk before it ever boots.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "inspected_file.h"

namespace altpv::inspect {

struct Problem {
  std::size_t site = 0;  // index in the site table
  std::string what;
};

// In site-table order. Finds: records the engine would refuse (bounds,
// overlaps, duplicates, ...); originals and alternatives that do not decode
// into whole instructions; bytes copied into a site that the engine cannot
// relocate; padding that does not decode as NOPs; and .text bytes that
// differ from the original's copy in altpv_repl, relocated.
std::vector<Problem> check_sites(const InspectedFile& file);

}  // namespace altpv::inspect
