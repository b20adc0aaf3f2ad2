// SPDX-License-Identifier: MIT
// The conformance checks of one testbed boot (docs/demo.md):
//   - the writes the VMM logged are, in order, the writes msr.workload
//     announced, minus the ones the PV backend drops by policy;
//   - each arrived by the path the CPU model and personality imply;
//   - the VMM's final bank holds the last such write per MSR;
//   - the guest's own verdict is pass;
// and the differential check across personalities: the same CPU model
// writes the same (msr, value) sequence under hvm and pv, but for the drops.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "msr_expect.h"
#include "msr_log.h"
#include "testbed_config.h"
#include "verdict.h"
#include "vmm_result.h"

namespace altpv::demo {

Verdict check_writes(const TestbedConfig& config, const std::vector<ExpectedWrite>& expected,
                     const std::vector<MsrAccess>& log);

Verdict check_final_bank(const TestbedConfig& config, const std::vector<ExpectedWrite>& expected,
                         const VmmResult& result);

// Every test in `tests` ran and passed, and the guest exited 0.
Verdict check_guest_passed(const VmmResult& result, const std::vector<std::string>& tests);

// No access at all to `msr` (e.g. one the VMM must refuse) reached the log.
Verdict check_untouched(const std::vector<MsrAccess>& log, std::uint32_t msr);

Verdict check_differential(const std::vector<MsrAccess>& hvm_log,
                           const std::vector<MsrAccess>& pv_log);

}  // namespace altpv::demo
