// SPDX-License-Identifier: MIT
#include "timing_collector.h"

namespace altpv::bench {
namespace {

// CPU time, not wall-clock time: on a shared machine the thread's CPU time
// excludes the intervals other processes held its core.
double cpu_ns(const benchmark::BenchmarkReporter::Run& run) {
  return run.GetAdjustedCPUTime() / benchmark::GetTimeUnitMultiplier(run.time_unit) * 1e9;
}

double real_ns(const benchmark::BenchmarkReporter::Run& run) {
  return run.GetAdjustedRealTime() / benchmark::GetTimeUnitMultiplier(run.time_unit) * 1e9;
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
    const auto record = [&](Value& v, double x) {
      if (run.run_type == Run::RT_Iteration) {
        v.sum += x;
        ++v.runs;
      } else if (run.aggregate_name == "median") {
        v.median = x;
      }
    };
    record(t.ns, cpu_ns(run));
    record(t.real_ns, real_ns(run));
    for (const auto& [name, c] : run.counters) record(t.counters[name], c.value);
  }
  display_->ReportRuns(runs);
}

void TimingCollector::Finalize() {
  display_->Finalize();
}

std::optional<double> TimingCollector::Value::get() const {
  if (median) return median;
  if (runs == 0) return std::nullopt;
  return sum / runs;
}

std::optional<double> TimingCollector::ns_per_iteration(const std::string& name) const {
  const auto it = timings_.find(name);
  if (it == timings_.end()) return std::nullopt;
  return it->second.ns.get();
}

std::optional<double> TimingCollector::real_ns_per_iteration(const std::string& name) const {
  const auto it = timings_.find(name);
  if (it == timings_.end()) return std::nullopt;
  return it->second.real_ns.get();
}

std::optional<double> TimingCollector::counter(const std::string& name,
                                               const std::string& counter) const {
  const auto it = timings_.find(name);
  if (it == timings_.end()) return std::nullopt;
  const auto c = it->second.counters.find(counter);
  if (c == it->second.counters.end()) return std::nullopt;
  return c->second.get();
}

}  // namespace altpv::bench
