// SPDX-License-Identifier: MIT
#include "timing_collector.h"

#include <algorithm>

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
  // With random interleaving the repetitions of one benchmark arrive in
  // separate calls; the aggregates Google Benchmark adds are recomputed here.
  for (const Run& run : runs) {
    if (!run.error_occurred && run.run_type == Run::RT_Iteration) {
      runs_ns_[run.run_name.function_name].push_back(cpu_ns(run));
    }
  }
  display_->ReportRuns(runs);
}

void TimingCollector::Finalize() {
  display_->Finalize();
}

std::optional<TimingCollector::Summary> TimingCollector::summary(const std::string& name) const {
  const auto it = runs_ns_.find(name);
  if (it == runs_ns_.end() || it->second.empty()) return std::nullopt;
  std::vector<double> ns = it->second;
  std::sort(ns.begin(), ns.end());
  const std::size_t n = ns.size();
  const double median = n % 2 == 1 ? ns[n / 2] : (ns[n / 2 - 1] + ns[n / 2]) / 2;
  return Summary{median, ns.front(), median > 0 ? (ns.back() - ns.front()) / median : 0,
                 static_cast<int>(n)};
}

std::optional<double> TimingCollector::ns_per_iteration(const std::string& name) const {
  const std::optional<Summary> s = summary(name);
  return s ? std::optional<double>(s->median_ns) : std::nullopt;
}

}  // namespace altpv::bench
