// SPDX-License-Identifier: MIT
#include "report.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>

namespace altpv::bench {
namespace {

constexpr const char* kReference = "inline_asm";

// Every strategy runs at least the reference's instruction, so a ratio
// below this says how noisy the run was, not that a strategy was faster.
constexpr double kNoiseRatio = 0.97;

struct DispatchRow {
  const char* op;
  const char* strategy;
  const char* description;
  TimingCollector::Summary timing;
  double tsc_cycles;            // of the median
  std::optional<double> ratio;  // medians; empty when the reference did not run

  bool noise() const { return ratio && *ratio < kNoiseRatio; }
};

struct PatchRow {
  const char* mode;
  std::size_t sites;
  double ms;
  double sites_per_second;
};

struct LiveRow {
  int runners;
  double toggles_per_second;
  double syncs;  // per toggle
  double writes;
  double int3_hits;
};

std::optional<double> reference_ns(const RunDescription& run, const TimingCollector& timings,
                                   const char* op) {
  for (const DispatchCase& c : run.dispatch) {
    if (std::string_view(c.op) == op && std::string_view(c.strategy->name) == kReference) {
      return timings.ns_per_iteration(c.name);
    }
  }
  return std::nullopt;
}

// Only the benchmarks that ran (the filter may have left some out).
std::vector<DispatchRow> dispatch_rows(const RunDescription& run, const TimingCollector& timings) {
  std::vector<DispatchRow> rows;
  for (const DispatchCase& c : run.dispatch) {
    const std::optional<TimingCollector::Summary> t = timings.summary(c.name);
    if (!t) continue;
    const std::optional<double> ref = reference_ns(run, timings, c.op);
    rows.push_back(DispatchRow{c.op, c.strategy->name, c.strategy->description, *t,
                               t->median_ns * run.machine.tsc_ghz,
                               ref ? std::optional<double>(t->median_ns / *ref) : std::nullopt});
  }
  return rows;
}

std::vector<PatchRow> patch_rows(const RunDescription& run, const TimingCollector& timings) {
  std::vector<PatchRow> rows;
  for (const PatchCase& c : run.patch) {
    const std::optional<double> ns = timings.ns_per_iteration(c.name);
    if (!ns) continue;
    rows.push_back(PatchRow{c.mode, c.sites, *ns / 1e6, static_cast<double>(c.sites) / *ns * 1e9});
  }
  return rows;
}

std::vector<LiveRow> live_rows(const RunDescription& run, const TimingCollector& timings) {
  std::vector<LiveRow> rows;
  for (const LiveCase& c : run.live) {
    const std::optional<double> rate = timings.counter(c.name, kTogglesPerSecond);
    if (!rate) continue;
    rows.push_back(LiveRow{c.runners, *rate, timings.counter(c.name, kSyncsPerToggle).value_or(0),
                           timings.counter(c.name, kWritesPerToggle).value_or(0),
                           timings.counter(c.name, kInt3HitsPerToggle).value_or(0)});
  }
  return rows;
}

}  // namespace

void print_summary(std::FILE* out, const RunDescription& run, const TimingCollector& timings) {
  const std::vector<DispatchRow> dispatch = dispatch_rows(run, timings);
  const std::vector<PatchRow> patch = patch_rows(run, timings);
  const std::vector<LiveRow> live = live_rows(run, timings);
  if (dispatch.empty() && patch.empty() && live.empty()) return;  // filtered out, or only listed
  std::fprintf(out, "\naltpv-bench summary on %s (TSC %.3f GHz), CPU time per call\n",
               run.machine.cpu.c_str(), run.machine.tsc_ghz);
  for (const SkippedOp& s : run.skipped) {
    std::fprintf(out, "SKIPPED op %s: %s\n", s.op, s.reason.c_str());
  }
  if (!dispatch.empty()) {
    std::fprintf(out,
                 "\nmedian and minimum of %d repetitions in random order; spread = (max - min) / "
                 "median\n%-9s %-22s %9s %9s %7s %9s %7s  %s\n",
                 dispatch.front().timing.repetitions, "op", "strategy", "ns/call", "min ns",
                 "spread", "TSC cyc", "x asm", "what");
  }
  bool noisy = false;
  for (const DispatchRow& r : dispatch) {
    char ratio[16] = "-";
    if (r.noise()) {
      std::snprintf(ratio, sizeof ratio, "noise");
      noisy = true;
    } else if (r.ratio) {
      std::snprintf(ratio, sizeof ratio, "%.2f", *r.ratio);
    }
    std::fprintf(out, "%-9s %-22s %9.2f %9.2f %6.0f%% %9.1f %7s  %s\n", r.op, r.strategy,
                 r.timing.median_ns, r.timing.min_ns, r.timing.spread * 100, r.tsc_cycles, ratio,
                 r.description);
  }
  if (noisy) {
    std::fprintf(out,
                 "noise: a ratio below %.2f to code that runs at least the same instruction is the "
                 "run's noise, not a result; repeat with more --benchmark_repetitions\n",
                 kNoiseRatio);
  }
  if (!patch.empty()) {
    std::fprintf(out, "\n%-14s %8s %12s %14s\n", "patch", "sites", "ms/batch", "sites/s");
  }
  for (const PatchRow& r : patch) {
    std::fprintf(out, "%-14s %8zu %12.3f %14.0f\n", r.mode, r.sites, r.ms, r.sites_per_second);
  }
  if (!live.empty()) {
    std::fprintf(out, "\n%-22s %10s %12s %12s %14s\n", "live toggle (2 sites)", "toggles/s",
                 "syncs/toggle", "writes/toggle", "int3 hits/toggle");
  }
  for (const LiveRow& r : live) {
    std::fprintf(out, "%-22s %10.0f %12.2f %13.2f %16.3f\n",
                 ("runners: " + std::to_string(r.runners)).c_str(), r.toggles_per_second, r.syncs,
                 r.writes, r.int3_hits);
  }
  if (const std::optional<double> sync = timings.real_ns_per_iteration(kSyncBenchmark)) {
    std::fprintf(out, "one sync (membarrier SYNC_CORE): %.1f us\n", *sync / 1e3);
  }
}

bool write_json(const std::string& path, const RunDescription& run, const TimingCollector& timings,
                std::FILE* err) {
  using nlohmann::json;
  json doc;
  doc["schema"] = "altpv-bench/1";
  doc["machine"] = {{"cpu", run.machine.cpu}, {"tsc_ghz", run.machine.tsc_ghz}};
  doc["reference"] = kReference;
  doc["dispatch"] = json::array();
  for (const DispatchRow& r : dispatch_rows(run, timings)) {
    // Every strategy's result was checked against the kernel before timing
    // (result_checks.h); a failed check ends the run before any JSON.
    doc["dispatch"].push_back({{"op", r.op},
                               {"strategy", r.strategy},
                               {"ns_per_call", r.timing.median_ns},
                               {"ns_min", r.timing.min_ns},
                               {"spread", r.timing.spread},
                               {"repetitions", r.timing.repetitions},
                               {"tsc_cycles_per_call", r.tsc_cycles},
                               {"ratio", r.ratio ? json(*r.ratio) : json(nullptr)},
                               {"noise", r.noise()},
                               {"verified", true}});
  }
  doc["skipped_ops"] = json::array();
  for (const SkippedOp& s : run.skipped)
    doc["skipped_ops"].push_back({{"op", s.op}, {"reason", s.reason}});
  doc["patch"] = json::array();
  for (const PatchRow& r : patch_rows(run, timings)) {
    doc["patch"].push_back({{"mode", r.mode},
                            {"sites", r.sites},
                            {"ms_per_batch", r.ms},
                            {"sites_per_second", r.sites_per_second}});
  }
  const std::optional<double> sync = timings.real_ns_per_iteration(kSyncBenchmark);
  doc["live_sync_us"] = sync ? json(*sync / 1e3) : json(nullptr);
  doc["live"] = json::array();
  for (const LiveRow& r : live_rows(run, timings)) {
    doc["live"].push_back({{"runners", r.runners},
                           {"toggles_per_second", r.toggles_per_second},
                           {"syncs_per_toggle", r.syncs},
                           {"writes_per_toggle", r.writes},
                           {"int3_hits_per_toggle", r.int3_hits}});
  }
  std::ofstream file(path);
  file << doc.dump(2) << '\n';
  if (file.good()) return true;
  std::fprintf(err, "altpv-bench: cannot write %s\n", path.c_str());
  return false;
}

}  // namespace altpv::bench
