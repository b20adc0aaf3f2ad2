// SPDX-License-Identifier: MIT
// Live toggles in a process: one key with two sites, switched back and forth
// while 0, 2 or 8 other threads run its sites; what each toggle costs, and
// what one of its syncs costs alone.
#pragma once

#include <string>
#include <vector>

namespace altpv::bench {

struct LiveCase {
  std::string name;  // the registered benchmark
  int runners;       // threads running the key's sites meanwhile
};

std::vector<LiveCase> register_live_toggle();

// One sync alone, for comparison.
inline constexpr const char* kSyncBenchmark = "live/sync";

// Counter names every live-toggle benchmark reports.
inline constexpr const char* kTogglesPerSecond = "toggles_per_second";
inline constexpr const char* kSyncsPerToggle = "syncs_per_toggle";
inline constexpr const char* kWritesPerToggle = "writes_per_toggle";
inline constexpr const char* kInt3HitsPerToggle = "int3_hits_per_toggle";

}  // namespace altpv::bench
