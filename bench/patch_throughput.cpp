// SPDX-License-Identifier: MIT
#include "patch_throughput.h"

#include <benchmark/benchmark.h>

#include <cstdint>

#include "altpv/engine/planner.h"
#include "altpv/engine/text_writer.h"
#include "altpv/patcher.h"
#include "generated_sites.h"
#include "hosted/process_text_writer.h"

namespace altpv::bench {
namespace {

constexpr std::size_t kSizes[] = {10'000, 100'000};

const FeatureSet kWithRdpid = FeatureSet{}.set(Feature::Rdpid);

void count_sites(benchmark::State& state, std::size_t sites) {
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(sites));
}

// The pure part: one plan_site() per site, nothing written.
void plan_only(benchmark::State& state, std::size_t count) {
  const GeneratedSites sites(count, false);
  const SiteTable& table = sites.table();
  for (auto _ : state) {
    for (std::size_t i = 0; i < table.size(); ++i) {
      Decision d = plan_site(table, i, kWithRdpid, nullptr);
      benchmark::DoNotOptimize(d);
    }
  }
  count_sites(state, count);
}

// Everything apply() does: sort, conflict check, plan, verify, write, sync.
template <class Writer>
void plan_and_apply(benchmark::State& state, std::size_t count, bool executable_text) {
  const GeneratedSites sites(count, executable_text);
  std::vector<std::uint32_t> scratch(count);
  Writer writer;
  // Alternating between RDPID and the original makes every iteration
  // rewrite every site; a second pass with the same features would write
  // nothing.
  const FeatureSet targets[] = {kWithRdpid, FeatureSet{}};
  std::size_t pass = 0;
  for (auto _ : state) {
    const ApplyStats stats = apply(sites.table(), targets[pass++ % 2], nullptr, writer, scratch);
    if (stats.patched != count) {
      state.SkipWithError("apply() did not rewrite every generated site");
      break;
    }
  }
  count_sites(state, count);
}

}  // namespace

std::vector<PatchCase> register_patch_throughput() {
  std::vector<PatchCase> cases;
  const auto add = [&](const char* mode, std::size_t sites, auto fn, auto... args) {
    std::string name = std::string("patch/") + mode + "/" + std::to_string(sites);
    benchmark::RegisterBenchmark(name.c_str(), fn, sites, args...)->Unit(benchmark::kMillisecond);
    cases.push_back(PatchCase{std::move(name), mode, sites});
  };
  for (const std::size_t n : kSizes) {
    add("plan", n, plan_only);
    // A plain RW buffer, as at boot.
    add("apply_boot", n, plan_and_apply<BootTextWriter>, false);
    // Read+execute text, stored to through /proc/self/mem, as in a process.
    add("apply_process", n, plan_and_apply<hosted::ProcessTextWriter>, true);
  }
  return cases;
}

}  // namespace altpv::bench
