// SPDX-License-Identifier: MIT
// The display reporter Google Benchmark would use (so --benchmark_format
// still works), plus a record of every repetition's time and counters, so
// that the ratios in the summary come from the same run as the table above
// them, with the median, the minimum and the spread of the repetitions.
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

  // CPU nanoseconds per iteration of the benchmark registered as `name`,
  // over its repetitions (one run each). Empty if it did not run (filtered
  // out, or failed).
  struct Summary {
    double median_ns = 0;
    double min_ns = 0;
    double spread = 0;  // (max - min) / median
    int repetitions = 0;
  };
  std::optional<Summary> summary(const std::string& name) const;
  // The median, the figure every ratio uses.
  std::optional<double> ns_per_iteration(const std::string& name) const;

  // The median in wall-clock time, for what mostly waits (a live toggle's
  // syncs).
  std::optional<double> real_ns_per_iteration(const std::string& name) const;

  // The median of user counter `counter` of that benchmark (rates as Google
  // Benchmark computed them).
  std::optional<double> counter(const std::string& name, const std::string& counter) const;

 private:
  // One value per repetition.
  struct Timing {
    std::vector<double> ns;
    std::vector<double> real_ns;
    std::map<std::string, std::vector<double>> counters;
  };

  const Timing* find(const std::string& name) const;

  std::unique_ptr<benchmark::BenchmarkReporter> display_;
  std::map<std::string, Timing> timings_;
};

}  // namespace altpv::bench
