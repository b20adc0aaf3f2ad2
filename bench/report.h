// SPDX-License-Identifier: MIT
// The summary after the run: each strategy's time per call and its ratio to
// hand-written inline asm, patch throughput in sites per second, live
// toggles per second and their cost, printed as a table and optionally
// written as JSON (schema in docs/bench.md).
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "live_toggle.h"
#include "machine.h"
#include "patch_throughput.h"
#include "strategy.h"
#include "timing_collector.h"

namespace altpv::bench {

struct DispatchCase {
  std::string name;  // the registered benchmark
  const char* op;    // "rdpid" or "rdfsbase"
  const Strategy* strategy;
};

struct SkippedOp {
  const char* op;
  std::string reason;
};

struct RunDescription {
  Machine machine;
  std::vector<DispatchCase> dispatch;
  std::vector<SkippedOp> skipped;
  std::vector<PatchCase> patch;
  std::vector<LiveCase> live;
};

void print_summary(std::FILE* out, const RunDescription& run, const TimingCollector& timings);

// False (with the reason on `err`) if `path` cannot be written.
bool write_json(const std::string& path, const RunDescription& run, const TimingCollector& timings,
                std::FILE* err);

}  // namespace altpv::bench
