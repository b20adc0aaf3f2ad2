// SPDX-License-Identifier: MIT
// What live switching (altpv/key.h) has cost in this image so far: the
// figures behind "one toggle costs three syncs" (hosted only).
#pragma once

#include <cstdint>

namespace altpv::hosted {

struct LiveStats {
  std::uint64_t syncs = 0;      // membarrier SYNC_CORE rounds (every CPU serialised)
  std::uint64_t writes = 0;     // stores through /proc/self/mem
  std::uint64_t int3_hits = 0;  // threads that ran into a site being switched
  std::uint64_t detours = 0;    // out-of-line copies made (each once per site and state)
};

// The counters of the image this copy of altpv is linked into.
LiveStats live_stats();

}  // namespace altpv::hosted
