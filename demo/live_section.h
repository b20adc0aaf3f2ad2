// SPDX-License-Identifier: MIT
// The demo's live-key section (docs/demo.md, "Live keys"): the guest
// toggles a key while other vCPUs run its sites, for the guest's own sites
// and for a module's, and the demo reports what a toggle costs (SyncCores
// calls, exits, int3 hits, toggles per second) and checks that no call saw
// a wrong result.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "machine_run.h"

namespace altpv::demo {

struct LiveRun {
  std::string test;  // live.key_stress, live.module_stress
  unsigned vcpus = 0;
  std::string command;
  std::optional<testbed::report::LiveKeysRecord> record;
  std::string sync_mode;      // how the VMM serialised (membarrier, kick)
  std::uint32_t tsc_khz = 0;  // the guest's TSC rate, for toggles per second
  testbed::report::CheckResult verdict;

  // Toggles per second over the guest's toggle loop; 0 when unknown.
  double toggles_per_second() const;
};

struct LiveSection {
  std::vector<LiveRun> runs;

  bool passed() const;
};

// The runs the demo makes: each stress case on 4 APs, and the guest's on 1.
LiveSection run_live_section(const testbed::report::Testbed& testbed,
                             const std::function<void(const LiveRun&)>& on_run);

// The checks on one run's record: no failed switch, no wrong result, every
// AP's counts add up, both states seen, three syncs and three exits of the
// toggling vCPU per toggle.
testbed::report::CheckResult check_live_record(const testbed::report::LiveKeysRecord& r,
                                               unsigned aps, std::uint64_t toggles);

std::string live_section_text(const LiveSection& section);
nlohmann::json live_section_json(const LiveSection& section);

}  // namespace altpv::demo
