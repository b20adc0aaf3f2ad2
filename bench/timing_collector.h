// SPDX-License-Identifier: MIT
// The display reporter Google Benchmark would use (so --benchmark_format
// still works), plus a record of every benchmark's time and counters, so
// that the ratios in the summary come from the same run as the table above
// them.
#pragma once

#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace altpv::bench {

class TimingCollector final : public benchmark::BenchmarkReporter {
 public:
  TimingCollector();

  bool ReportContext(const Context& context) override;
  void ReportRuns(const std::vector<Run>& runs) override;
  void Finalize() override;

  // CPU nanoseconds per iteration of the benchmark registered as
  // `name`: the median over repetitions when there were several, else the
  // mean of its runs. Empty if it did not run (filtered out, or failed).
  std::optional<double> ns_per_iteration(const std::string& name) const;

  // The same in wall-clock time, for what mostly waits (a live toggle's
  // syncs).
  std::optional<double> real_ns_per_iteration(const std::string& name) const;

  // User counter `counter` of that benchmark, chosen the same way (rates
  // as Google Benchmark computed them).
  std::optional<double> counter(const std::string& name, const std::string& counter) const;

 private:
  struct Value {
    double sum = 0;
    int runs = 0;
    std::optional<double> median;

    std::optional<double> get() const;
  };
  struct Timing {
    Value ns;
    Value real_ns;
    std::map<std::string, Value> counters;
  };

  std::unique_ptr<benchmark::BenchmarkReporter> display_;
  std::map<std::string, Timing> timings_;
};

}  // namespace altpv::bench
