// SPDX-License-Identifier: MIT
// altpv-bench: the same op reached through each dispatch strategy, all in
// one run, with ratios to hand-written inline asm; then patch throughput and
// live toggles.
// See docs/bench.md.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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

constexpr std::array<const Strategy*, 7> kStrategies = {
    &kInlineAsm, &kAltpvInline, &kFunctionPointer, &kIfuncPlt,
    &kPvOps,     &kNativeStub,  &kNativeStubGpr};

// Our own flags; everything else goes to Google Benchmark.
struct Options {
  std::string json;  // --json FILE
  std::vector<char*> benchmark_args;
};

// Tiny timing budget for the smoke test: every benchmark still runs.
char kQuickMinTime[] = "--benchmark_min_time=0.001";

bool parse_options(int argc, char** argv, Options& opts) {
  opts.benchmark_args.push_back(argv[0]);
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

void register_dispatch(const char* op, OpEntry Strategy::*entry, RunDescription& run) {
  for (const Strategy* s : kStrategies) {
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
  std::vector<InlinedSiteLoop> inlined = {
      {"rdpid/altpv_inline", kAltpvInline.cpu_number.loop},
      {"rdpid/altpv_native_stub", kNativeStub.cpu_number.loop},
      {"rdpid/altpv_native_stub_gpr", kNativeStubGpr.cpu_number.loop}};
  if (fs_base) {
    inlined.push_back({"rdfsbase/altpv_inline", kAltpvInline.fs_base.loop});
    inlined.push_back({"rdfsbase/altpv_native_stub", kNativeStub.fs_base.loop});
    inlined.push_back({"rdfsbase/altpv_native_stub_gpr", kNativeStubGpr.fs_base.loop});
  }
  if (!check_patched_sites(native_stub_backend(), fs_base, inlined, stderr)) return 1;
  if (!check_results(kStrategies, fs_base, stderr)) return 1;

  register_dispatch("rdpid", &Strategy::cpu_number, description);
  if (fs_base) register_dispatch("rdfsbase", &Strategy::fs_base, description);
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
