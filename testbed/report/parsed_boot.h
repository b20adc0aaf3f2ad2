// SPDX-License-Identifier: MIT
// A boot's --json and --msr-log, parsed. A boot that did not end by itself
// or left output that cannot be parsed fails the verdict, with the reason.
#pragma once

#include <vector>

#include "msr_log.h"
#include "verdict.h"
#include "vmm_result.h"
#include "vmm_run.h"

namespace altpv::demo {

struct ParsedBoot {
  VmmResult result;
  std::vector<MsrAccess> log;
};

ParsedBoot parse_boot(const VmmRun& run, Verdict& verdict);

}  // namespace altpv::demo
