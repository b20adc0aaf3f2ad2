// SPDX-License-Identifier: MIT
// report.json: the demo's findings as data (docs/demo.md describes every
// field; tests/demo checks them).
#pragma once

#include <nlohmann/json.hpp>

#include "findings.h"

namespace altpv::demo {

// The format, for readers to check before they read on.
inline constexpr const char* kReportFormat = "altpv-demo/2";

nlohmann::json report_json(const DemoFindings& findings);

}  // namespace altpv::demo
