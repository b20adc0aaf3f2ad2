// SPDX-License-Identifier: MIT
// --json: the result of a run for scripts and ctest drivers.
#pragma once

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "abi/abi.h"
#include "core_barrier.h"
#include "run_state.h"

namespace altpv::vmm {

// SyncCores over the run: how it serialised, how often, and how many vCPUs
// were inside KVM_RUN when it did (summed over the calls).
struct SyncStats {
  SyncMode mode;
  std::uint64_t calls = 0;
  std::uint64_t vcpus_in_guest = 0;
};

struct RunResult {
  int exit_code;
  RunEnd end;
  std::vector<TestRecord> tests;
  std::map<std::uint32_t, std::uint64_t> msrs;  // the bank as vCPU 0 sees it
  testbed::Counters counters;                   // summed over vCPUs
  SyncStats sync;
  std::uint32_t tsc_khz = 0;  // the guest's TSC rate; 0: unknown
};

// Guest text that is not UTF-8 is written with U+FFFD for each bad byte.
void write_result_json(std::ostream& out, const RunResult& result);

}  // namespace altpv::vmm
