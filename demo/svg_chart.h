// SPDX-License-Identifier: MIT
// The report's charts, drawn by gnuplot (svg terminal): guest instructions
// per op per strategy for every machine, and the host ns/call ratios.
#pragma once

#include <filesystem>
#include <vector>

#include "findings.h"

namespace altpv::demo {

// Writes <name>.gp and <name>.svg into `dir` for each chart; returns the
// SVG paths. A gnuplot failure fails `result` (the report is incomplete).
std::vector<std::filesystem::path> write_charts(const DemoFindings& findings,
                                                const std::filesystem::path& dir,
                                                CheckResult& result);

}  // namespace altpv::demo
