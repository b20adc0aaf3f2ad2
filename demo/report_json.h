// SPDX-License-Identifier: MIT
// report.json: the demo's findings as data (format: demo/report.schema.json,
// described in docs/demo.md).
#pragma once

#include <nlohmann/json.hpp>

#include "demo_report.h"

namespace altpv::demo {

inline constexpr const char* kReportSchemaId = "altpv-demo/1";

nlohmann::json report_json(const DemoReport& report);

}  // namespace altpv::demo
