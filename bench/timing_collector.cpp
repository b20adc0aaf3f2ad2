// SPDX-License-Identifier: MIT
#include "timing_collector.h"

namespace altpv::bench {
namespace {

// CPU time, not wall-clock time: on a shared machine the thread's CPU time
// excludes the intervals other processes held its core.
double cpu_ns(const benchmark::BenchmarkReporter::Run& run) {
  return run.GetAdjustedCPUTime() / benchmark::GetTimeUnitMultiplier(run.time_unit) * 1e9;
}

}  // namespace

TimingCollector::TimingCollector() : display_(benchmark::CreateDefaultDisplayReporter()) {}

bool TimingCollector::ReportContext(const Context& context) {
  return display_->ReportContext(context);
}

void TimingCollector::ReportRuns(const std::vector<Run>& runs) {
  for (const Run& run : runs) {
    if (run.error_occurred) continue;
    Timing& t = timings_[run.run_name.function_name];
    if (run.run_type == Run::RT_Iteration) {
      t.sum_ns += cpu_ns(run);
      ++t.runs;
    } else if (run.aggregate_name == "median") {
      t.median_ns = cpu_ns(run);
    }
  }
  display_->ReportRuns(runs);
}

void TimingCollector::Finalize() {
  display_->Finalize();
}

std::optional<double> TimingCollector::ns_per_iteration(const std::string& name) const {
  const auto it = timings_.find(name);
  if (it == timings_.end()) return std::nullopt;
  if (it->second.median_ns) return it->second.median_ns;
  if (it->second.runs == 0) return std::nullopt;
  return it->second.sum_ns / it->second.runs;
}

}  // namespace altpv::bench
