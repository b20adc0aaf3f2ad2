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

double real_ns(const benchmark::BenchmarkReporter::Run& run) {
  return run.GetAdjustedRealTime() / benchmark::GetTimeUnitMultiplier(run.time_unit) * 1e9;
}

std::vector<double> sorted(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v;
}

double median_of_sorted(const std::vector<double>& v) {
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::optional<double> median(const std::vector<double>& v) {
  if (v.empty()) return std::nullopt;
  return median_of_sorted(sorted(v));
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
    if (run.error_occurred || run.run_type != Run::RT_Iteration) continue;
    Timing& t = timings_[run.run_name.function_name];
    t.ns.push_back(cpu_ns(run));
    t.real_ns.push_back(real_ns(run));
    for (const auto& [name, c] : run.counters) t.counters[name].push_back(c.value);
  }
  display_->ReportRuns(runs);
}

void TimingCollector::Finalize() {
  display_->Finalize();
}

const TimingCollector::Timing* TimingCollector::find(const std::string& name) const {
  const auto it = timings_.find(name);
  return it == timings_.end() ? nullptr : &it->second;
}

std::optional<TimingCollector::Summary> TimingCollector::summary(const std::string& name) const {
  const Timing* t = find(name);
  if (t == nullptr || t->ns.empty()) return std::nullopt;
  const std::vector<double> ns = sorted(t->ns);
  const double mid = median_of_sorted(ns);
  return Summary{mid, ns.front(), mid > 0 ? (ns.back() - ns.front()) / mid : 0,
                 static_cast<int>(ns.size())};
}

std::optional<double> TimingCollector::ns_per_iteration(const std::string& name) const {
  const Timing* t = find(name);
  return t != nullptr ? median(t->ns) : std::nullopt;
}

std::optional<double> TimingCollector::real_ns_per_iteration(const std::string& name) const {
  const Timing* t = find(name);
  return t != nullptr ? median(t->real_ns) : std::nullopt;
}

std::optional<double> TimingCollector::counter(const std::string& name,
                                               const std::string& counter) const {
  const Timing* t = find(name);
  if (t == nullptr) return std::nullopt;
  const auto c = t->counters.find(counter);
  return c != t->counters.end() ? median(c->second) : std::nullopt;
}

}  // namespace altpv::bench
