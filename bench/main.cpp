// SPDX-License-Identifier: MIT
// altpv-bench: the same op reached through each dispatch strategy, all in
// one run, with ratios to hand-written inline asm; then patch throughput and
// live toggles.
// See docs/bench.md.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "altpv/features.h"
#include "altpv/hosted/process.h"
#include "fsgsbase_enabled.h"
#include "live_toggle.h"
#include "native_stub.h"
#include "patch_throughput.h"
#include "report.h"
#include "result_checks.h"
#include "site_checks.h"
#include "strategy.h"
#include "timing_collector.h"

namespace altpv::bench {
namespace {

struct StrategyEntry {
  const Strategy* strategy;
  std::optional<StubKind> lean;  // a lean stub kind, which this CPU may lack
};

constexpr StrategyEntry kStrategies[] = {
    {&kInlineAsm, {}},
    {&kAltpvInline, {}},
    {&kFunctionPointer, {}},
    {&kIfuncPlt, {}},
    {&kPvOps, {}},
    {&kNativeStub, {}},
    {&kNativeStubGpr, {}},
    {&kLeanStubGpr, StubKind::LeanGpr},
    {&kPreservingStubGpr, StubKind::PreservingGpr},
    {&kLeanStubXsave, StubKind::LeanXsave},
    {&kLeanStubXsaveopt, StubKind::LeanXsaveopt},
    {&kLeanStubXsavec, StubKind::LeanXsavec},
    {&kLeanStubZmm, StubKind::LeanZmm},
};

// The strategies this CPU can run, in report order; the others are skipped
// loudly.
std::vector<const Strategy*> runnable_strategies() {
  std::vector<const Strategy*> out;
  for (const StrategyEntry& e : kStrategies) {
    const char* why = e.lean ? lean_stub_unsupported(*e.lean) : nullptr;
    if (why == nullptr) {
      out.push_back(e.strategy);
    } else {
      std::fprintf(stderr, "altpv-bench: SKIPPING strategy %s: %s\n", e.strategy->name, why);
    }
  }
  return out;
}

// Our own flags; everything else goes to Google Benchmark.
struct Options {
  std::string json;  // --json FILE
  std::vector<char*> benchmark_args;
};

// Tiny timing budget for the smoke test: every benchmark still runs.
char kQuickMinTime[] = "--benchmark_min_time=0.001";
// One run is noise, not a measurement: repetitions in random order, so that
// a slow phase of the machine hits every strategy alike. Given first, so the
// command line still wins.
char kRepetitions[] = "--benchmark_repetitions=5";
char kRandomInterleaving[] = "--benchmark_enable_random_interleaving=true";

bool parse_options(int argc, char** argv, Options& opts) {
  opts.benchmark_args.push_back(argv[0]);
  opts.benchmark_args.push_back(kRepetitions);
  opts.benchmark_args.push_back(kRandomInterleaving);
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--quick") {
      // First, so that an explicit --benchmark_min_time still wins.
      opts.benchmark_args.insert(opts.benchmark_args.begin() + 1, kQuickMinTime);
    } else if (arg == "--json") {
      if (i + 1 == argc) return false;
      opts.json = argv[++i];
    } else if (arg.starts_with("--json=")) {
      opts.json = arg.substr(std::strlen("--json="));
    } else {
      opts.benchmark_args.push_back(argv[i]);
    }
  }
  return true;
}

// Patches this process: every site to its preferred instruction, and the
// pv sites of strategy 6 to calls into their stubs.
bool patch(FeatureSet features) {
  features.set(Feature::Pv);
  hosted::ReportPrinter printer(stderr);
  const ApplyStats stats =
      hosted::patch_process(features, &native_stub_backend(),
                            std::getenv(hosted::kDebugEnv) != nullptr ? &printer : nullptr)
          .stats;
  if (!stats.table_rejected && stats.refused == 0) return true;
  std::fprintf(stderr, "altpv-bench: patching refused %zu of %zu sites (set %s=1 to see why)\n",
               stats.refused, stats.sites, hosted::kDebugEnv);
  return false;
}

void register_dispatch(std::span<const Strategy* const> strategies, const char* op,
                       OpEntry Strategy::*entry, RunDescription& run) {
  for (const Strategy* s : strategies) {
    std::string name = std::string("dispatch/") + op + "/" + s->name;
    benchmark::RegisterBenchmark(name.c_str(), (s->*entry).loop)->Unit(benchmark::kNanosecond);
    run.dispatch.push_back(DispatchCase{std::move(name), op, s});
  }
}

int run(int argc, char** argv) {
  Options opts;
  if (!parse_options(argc, argv, opts)) {
    std::fprintf(stderr, "usage: altpv-bench [--quick] [--json FILE] [--benchmark_...]\n");
    return 2;
  }
  int bench_argc = static_cast<int>(opts.benchmark_args.size());
  benchmark::Initialize(&bench_argc, opts.benchmark_args.data());
  if (benchmark::ReportUnrecognizedArguments(bench_argc, opts.benchmark_args.data())) return 2;

  const hosted::ProcessFeatures requested = hosted::process_features();
  if (!requested.ok) {
    std::fprintf(stderr, "altpv-bench: %s\n", requested.error.c_str());
    return 2;
  }
  const FeatureSet cpu = detect_cpu_features();
  if (!cpu.has(Feature::Rdpid)) {
    std::fprintf(stderr, "altpv-bench: this CPU lacks RDPID, the main op: nothing to compare\n");
    return 1;
  }
  RunDescription description;
  FeatureSet features = requested.features;
  const bool fs_base = cpu.has(Feature::Fsgsbase) && fsgsbase_enabled();
  if (!fs_base) {
    // CPUID may say yes while the kernel says no; trust the kernel.
    features.set(Feature::Fsgsbase, false);
    description.skipped.push_back(
        {"rdfsbase", cpu.has(Feature::Fsgsbase)
                         ? "the kernel does not enable FSGSBASE for user space (AT_HWCAP2)"
                         : "this CPU lacks FSGSBASE"});
    std::fprintf(stderr, "altpv-bench: SKIPPING op rdfsbase: %s\n",
                 description.skipped.back().reason.c_str());
  }

  if (!patch(features)) return 1;
  const std::vector<const Strategy*> strategies = runnable_strategies();
  // Every altpv strategy's loop must hold its site (names kept for messages).
  std::vector<std::string> names;
  std::vector<InlinedSiteLoop> inlined;
  for (const Strategy* s : strategies) {
    if (std::string_view(s->name).starts_with("altpv_")) {
      names.push_back(std::string("rdpid/") + s->name);
      if (fs_base) names.push_back(std::string("rdfsbase/") + s->name);
    }
  }
  for (std::size_t i = 0; const Strategy* s : strategies) {
    if (!std::string_view(s->name).starts_with("altpv_")) continue;
    inlined.push_back({names[i++].c_str(), s->cpu_number.loop});
    if (fs_base) inlined.push_back({names[i++].c_str(), s->fs_base.loop});
  }
  if (!check_patched_sites(native_stub_backend(), fs_base, inlined, stderr)) return 1;
  if (!check_results(strategies, fs_base, stderr)) return 1;

  register_dispatch(strategies, "rdpid", &Strategy::cpu_number, description);
  if (fs_base) register_dispatch(strategies, "rdfsbase", &Strategy::fs_base, description);
  description.patch = register_patch_throughput();
  description.live = register_live_toggle();
  description.machine = describe_machine();

  TimingCollector timings;
  benchmark::RunSpecifiedBenchmarks(&timings);
  benchmark::Shutdown();
  print_summary(stdout, description, timings);
  if (!opts.json.empty() && !write_json(opts.json, description, timings, stderr)) return 1;
  return 0;
}

}  // namespace
}  // namespace altpv::bench

int main(int argc, char** argv) {
  return altpv::bench::run(argc, argv);
}
