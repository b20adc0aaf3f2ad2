// SPDX-License-Identifier: MIT
// altpv-demo: boots the testbed under every CPU model and personality,
// checks MSR conformance, collects the patch decisions and per-strategy
// figures, checks the README's figure claims on them, runs the host
// benchmark, prints a summary and writes report/ (docs/demo.md). Exit
// status 0 only when every check passed and every claim held.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "findings.h"
#include "live_section.h"
#include "qemu_section.h"
#include "report_json.h"
#include "summary_text.h"
#include "svg_chart.h"

namespace fs = std::filesystem;
using namespace altpv::demo;
using altpv::testbed::report::all_machines;
using altpv::testbed::report::ChildOutcome;
using altpv::testbed::report::have_kvm;
using altpv::testbed::report::MachineConfig;
using altpv::testbed::report::run_child;
using altpv::testbed::report::Testbed;

namespace {

constexpr int kSkipExitCode = 77;  // no /dev/kvm, as altpv-vmm
constexpr std::chrono::seconds kBenchTimeout{600};

struct Options {
  fs::path build_dir;
  fs::path out;
  unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
  bool skip_bench = false;
  bool quiet = false;
};

// Visible progress: one line per step and per boot, on stderr so stdout
// stays the summary. Boots report from several threads.
class Progress {
 public:
  explicit Progress(bool quiet) : quiet_(quiet) {}

  void step(const std::string& what) const { print("\n==> " + what); }
  void item(const std::string& what) const { print("    " + what); }

 private:
  void print(const std::string& line) const {
    if (quiet_) return;
    const std::lock_guard lock(mutex_);
    fmt::print(stderr, "{}\n", line);
  }

  bool quiet_;
  mutable std::mutex mutex_;
};

fs::path require_file(const fs::path& path) {
  if (!fs::exists(path)) throw std::runtime_error(path.string() + " is missing; build it first");
  return path;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Every machine, `jobs` at a time: each boot runs one vCPU thread.
std::vector<MachineFindings> measure_all(const Testbed& testbed, const altpv::inspect::ElfFile& elf,
                                         unsigned jobs, const Progress& progress) {
  const std::vector<MachineConfig> machines = all_machines();
  std::vector<MachineFindings> findings(machines.size());
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < machines.size(); i = next++) {
      const auto start = std::chrono::steady_clock::now();
      progress.item(
          fmt::format("[{}/{}] {}: booting msr.workload (altpv.debug, --dump-text), then "
                      "msr.safe + figures.msr + figures.privileged (--count-insns)",
                      i + 1, machines.size(), machines[i].name()));
      findings[i] = measure_machine(testbed, elf, machines[i]);
      progress.item(
          fmt::format("[{}/{}] {}: {} ({:.1f} s)", i + 1, machines.size(), machines[i].name(),
                      findings[i].verdict.passed() ? "conforms" : "FAILED", seconds_since(start)));
    }
  };
  std::vector<std::jthread> threads;
  for (unsigned t = 0; t < std::min<std::size_t>(jobs, machines.size()); ++t) {
    threads.emplace_back(worker);
  }
  threads.clear();  // joins
  return findings;
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

  progress.step(
      fmt::format("booting the testbed: {} machines (CPU model x personality), {} at a time",
                  all_machines().size(), opt.jobs));
  DemoFindings findings;
  findings.guest = testbed.guest;
  findings.machines = measure_all(testbed, elf, opt.jobs, progress);

  progress.step("differential: hvm vs pv write sequences per CPU model");
  findings.differentials = differentials(findings.machines);
  for (const Differential& d : findings.differentials) {
    progress.item(d.cpu_model + ": " + (d.verdict.passed() ? "same sequence" : "DIFFERENT"));
  }
  findings.claims = figure_claims(findings.machines);
  for (Claim& c : privileged_claims(findings.machines)) findings.claims.push_back(std::move(c));

  if (!opt.skip_bench) {
    progress.step("host benchmark: altpv-bench --json (about a minute)");
    findings.bench =
        run_bench(require_file(opt.build_dir / "bench/altpv-bench"), opt.out / "bench.json");
  }

  progress.step("live keys: the guest toggles a key while its APs run the sites");
  const LiveSection live = run_live_section(testbed, [&](const LiveRun& r) {
    progress.item(fmt::format("{} on {} vCPUs: {}", r.test, r.vcpus,
                              r.verdict.passed() ? "passed" : "FAILED"));
  });
  std::ofstream(opt.out / "live.json") << live_section_json(live).dump(2) << '\n';

  progress.step("the same guest on QEMU CPU models through PVH (TCG)");
  const QemuSection qemu = run_qemu_section(testbed.guest, opt.jobs, [&](const auto& b) {
    progress.item(
        fmt::format("{}/{}: {}", b.model, b.accel, b.verdict.passed() ? "passed" : "FAILED"));
  });
  if (qemu.matrix)
    std::ofstream(opt.out / "qemu.json") << matrix_json(*qemu.matrix).dump(2) << '\n';

  progress.step("writing " + opt.out.string());
  std::ofstream(opt.out / "report.json") << report_json(findings).dump(2) << '\n';
  CheckResult output;
  const auto charts = write_charts(findings, opt.out, output);
  progress.item((opt.out / "report.json").string());
  for (const fs::path& svg : charts) progress.item(svg.string());

  fmt::print("\n{}\n{}\n{}", summary_tables(findings), summary_words(findings),
             summary_claims(findings));
  fmt::print("\n{}", live_section_text(live));
  fmt::print("\n{}", qemu_section_text(qemu));
  for (const std::string& r : output.failures) fmt::print("  FAIL report: {}\n", r);
  for (const Claim& c : findings.claims) {
    if (!c.holds) fmt::print("  FAIL claim does not hold for this run: {}\n", c.statement);
  }
  const bool ok = findings.passed() && output.passed() && live.passed() && qemu.passed();
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
    app.add_option("--jobs", opt.jobs, "machines booted at a time (default: one per CPU)")
        ->check(CLI::PositiveNumber);
    app.add_flag("--skip-bench", opt.skip_bench, "do not run the host benchmark");
    app.add_flag("--quiet", opt.quiet, "no progress lines");
    CLI11_PARSE(app, argc, argv);
    return run(opt);
  } catch (const std::exception& e) {
    fmt::print(stderr, "altpv-demo: FAILED: {}\n", e.what());
    return 1;
  }
}
