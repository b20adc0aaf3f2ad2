// SPDX-License-Identifier: MIT
// altpv-demo: boots the testbed under every CPU model and personality,
// checks MSR conformance, collects the patch decisions and per-strategy
// figures, runs the host benchmark, prints a summary and writes report/
// (docs/demo.md). Exit status 0 only when every check passed.
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "bench_results.h"
#include "conformance.h"
#include "demo_report.h"
#include "elf_file.h"
#include "progress.h"
#include "report_json.h"
#include "summary_text.h"
#include "svg_chart.h"

namespace fs = std::filesystem;
using namespace altpv::demo;

namespace {

constexpr int kSkipExitCode = 77;     // no /dev/kvm, as altpv-vmm
constexpr unsigned kBootThreads = 2;  // this machine has 2 cores
constexpr std::chrono::seconds kBenchTimeout{600};

struct Options {
  fs::path build_dir;
  fs::path out;
  bool skip_bench = false;
  bool quiet = false;
};

bool have_kvm() {
  const int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  close(fd);
  return true;
}

fs::path require_file(const fs::path& path) {
  if (!fs::exists(path)) throw std::runtime_error(path.string() + " is missing; build it first");
  return path;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Every machine, on a few threads: each boot is emulated and single-threaded.
std::vector<ConfigReport> measure_all(const Testbed& testbed, const altpv::inspect::ElfFile& elf,
                                      const Progress& progress) {
  const std::vector<TestbedConfig> configs = all_configs();
  std::vector<ConfigReport> reports(configs.size());
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < configs.size(); i = next++) {
      const auto start = std::chrono::steady_clock::now();
      progress.item(
          fmt::format("[{}/{}] {}: booting msr.workload (altpv.debug), then msr.safe + "
                      "figures.msr (--count-insns)",
                      i + 1, configs.size(), configs[i].name()));
      reports[i] = measure_config(testbed, elf, configs[i]);
      progress.item(
          fmt::format("[{}/{}] {}: {} ({:.1f} s)", i + 1, configs.size(), configs[i].name(),
                      reports[i].verdict.passed() ? "conforms" : "FAILED", seconds_since(start)));
    }
  };
  std::vector<std::jthread> threads;
  for (unsigned t = 0; t < kBootThreads; ++t) threads.emplace_back(worker);
  threads.clear();  // joins
  return reports;
}

std::vector<Differential> differentials(const std::vector<ConfigReport>& reports) {
  std::vector<Differential> out;
  for (const CpuModel& model : cpu_models()) {
    const ConfigReport* hvm = nullptr;
    const ConfigReport* pv = nullptr;
    for (const ConfigReport& r : reports) {
      if (r.config.model.name != model.name) continue;
      (r.config.hv == Personality::Hvm ? hvm : pv) = &r;
    }
    out.push_back({model.name, check_differential(hvm->workload.log, pv->workload.log)});
  }
  return out;
}

BenchResults run_bench(const fs::path& bench, const fs::path& json) {
  const ChildOutcome run = run_child({bench.string(), "--json", json.string()}, kBenchTimeout);
  if (!run.exited() || run.exit_code != 0) {
    throw std::runtime_error("altpv-bench failed (exit " + std::to_string(run.exit_code) +
                             "): " + run.err);
  }
  std::ifstream in(json);
  const std::string text{std::istreambuf_iterator<char>(in), {}};
  return parse_bench_results(text);
}

int run(const Options& opt) {
  const Progress progress(opt.quiet);
  if (!have_kvm()) {
    fmt::print("SKIP: /dev/kvm not available: the demo boots the testbed\n");
    return kSkipExitCode;
  }
  const Testbed testbed{require_file(opt.build_dir / "testbed/vmm/altpv-vmm").string(),
                        require_file(opt.build_dir / "testbed/guest/altpv-guest").string()};
  fs::create_directories(opt.out);
  const auto start = std::chrono::steady_clock::now();

  progress.step("reading " + testbed.guest + " (symbols: bytes at each call site)");
  const altpv::inspect::ElfFile elf = altpv::inspect::ElfFile::read(testbed.guest);

  progress.step(fmt::format("booting the testbed: {} machines (CPU model x personality)",
                            all_configs().size()));
  DemoReport report;
  report.guest = testbed.guest;
  report.configs = measure_all(testbed, elf, progress);

  progress.step("differential: hvm vs pv write sequences per CPU model");
  report.differentials = differentials(report.configs);
  for (const Differential& d : report.differentials) {
    progress.item(d.cpu_model + ": " + (d.verdict.passed() ? "same sequence" : "DIFFERENT"));
  }

  if (!opt.skip_bench) {
    progress.step("host benchmark: altpv-bench --json (about a minute)");
    report.bench =
        run_bench(require_file(opt.build_dir / "bench/altpv-bench"), opt.out / "bench.json");
  }

  progress.step("writing " + opt.out.string());
  std::ofstream(opt.out / "report.json") << report_json(report).dump(2) << '\n';
  Verdict output;
  const auto charts = write_charts(report, opt.out, output);
  progress.item((opt.out / "report.json").string());
  for (const fs::path& svg : charts) progress.item(svg.string());

  fmt::print("\n{}\n{}", summary_tables(report), summary_words(report));
  for (const std::string& r : output.reasons) fmt::print("  FAIL report: {}\n", r);
  const bool ok = report.passed() && output.passed();
  fmt::print("\naltpv-demo: {} ({:.0f} s); report in {}\n", ok ? "PASS" : "FAILED",
             seconds_since(start), opt.out.string());
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    CLI::App app{"altpv-demo: the testbed under every CPU model and personality"};
    Options opt;
    app.add_option("--build-dir", opt.build_dir, "the CMake build directory")->required();
    app.add_option("--out", opt.out, "where report.json and the charts go")->required();
    app.add_flag("--skip-bench", opt.skip_bench, "do not run the host benchmark");
    app.add_flag("--quiet", opt.quiet, "no progress lines");
    CLI11_PARSE(app, argc, argv);
    return run(opt);
  } catch (const std::exception& e) {
    fmt::print(stderr, "altpv-demo: FAILED: {}\n", e.what());
    return 1;
  }
}
