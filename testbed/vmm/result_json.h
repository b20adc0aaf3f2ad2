// SPDX-License-Identifier: MIT
// --json: the result of a run for scripts and ctest drivers.
#pragma once

#include <cstdint>
#include <map>
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

void write_result_json(const std::string& path, const RunResult& result);

}  // namespace altpv::vmm
