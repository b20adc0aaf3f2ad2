// SPDX-License-Identifier: MIT
// What the engine must choose for the constant-index wrmsr_ns site
// (ALTPV_MSR_WRMSR_NS_CONST_SITE) on each testbed machine: the PV call
// under pv, else WRMSRNS imm32,%rax with MSR_IMM, else WRMSRNS, else the
// original CS-prefixed WRMSR.
#pragma once

#include "decision_lines.h"
#include "testbed_config.h"
#include "verdict.h"

namespace altpv::demo {

// `decision` may be null (the site was not found), which fails.
Verdict check_wrmsr_ns_const_decision(const SiteDecision* decision, const TestbedConfig& config);

}  // namespace altpv::demo
