// SPDX-License-Identifier: MIT
// What one demo run found: every machine's report, the cross-personality
// differential per CPU model, and the host benchmark if it ran.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "bench_results.h"
#include "config_report.h"
#include "verdict.h"

namespace altpv::demo {

struct Differential {
  std::string cpu_model;
  Verdict verdict;
};

struct DemoReport {
  std::string guest;
  std::vector<ConfigReport> configs;
  std::vector<Differential> differentials;
  std::optional<BenchResults> bench;

  bool passed() const;
};

}  // namespace altpv::demo
