// SPDX-License-Identifier: MIT
// altpv-bench's --json (docs/bench.md): the host-side ns/call per strategy,
// and each one's ratio to hand-written inline asm.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace altpv::demo {

struct DispatchResult {
  std::string op;        // rdpid, rdfsbase
  std::string strategy;  // inline_asm, altpv_inline, pv_ops, ...
  double ns_per_call = 0;
  std::optional<double> ratio;  // to inline_asm; empty when it was filtered out
};

struct BenchResults {
  std::string cpu;
  std::vector<DispatchResult> dispatch;
  nlohmann::json document;  // the whole file, kept for report.json
};

// Throws ParseError when a documented field is missing.
BenchResults parse_bench_results(std::string_view text);

}  // namespace altpv::demo
