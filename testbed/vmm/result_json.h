// SPDX-License-Identifier: MIT
// --json: the result of a run for scripts and ctest drivers.
#pragma once

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "abi/abi.h"
#include "run_state.h"

namespace altpv::vmm {

struct RunResult {
  int exit_code;
  RunEnd end;
  std::vector<TestRecord> tests;
  std::map<std::uint32_t, std::uint64_t> msrs;  // the bank as vCPU 0 sees it
  testbed::Counters counters;                   // summed over vCPUs
};

// Guest text that is not UTF-8 is written with U+FFFD for each bad byte.
void write_result_json(std::ostream& out, const RunResult& result);

}  // namespace altpv::vmm
