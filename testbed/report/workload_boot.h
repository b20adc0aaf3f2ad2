// SPDX-License-Identifier: MIT
// One boot running msr.workload with altpv.debug, fully checked: the
// conformance checks of conformance.h plus the parsed material (patch
// decisions, the MSR log) other checks and reports build on.
#pragma once

#include <vector>

#include "decision_lines.h"
#include "msr_expect.h"
#include "msr_log.h"
#include "testbed_config.h"
#include "verdict.h"
#include "vmm_result.h"
#include "vmm_run.h"

namespace altpv::demo {

struct WorkloadBoot {
  TestbedConfig config;
  VmmRun run;
  VmmResult result;
  std::vector<ExpectedWrite> expected;
  std::vector<MsrAccess> log;
  std::vector<SiteDecision> decisions;
  Verdict verdict;  // writes, paths, final bank, guest verdict
};

// Output that cannot be parsed fails the verdict; it does not throw.
WorkloadBoot boot_workload(const Testbed& testbed, const TestbedConfig& config);

}  // namespace altpv::demo
