// SPDX-License-Identifier: MIT
#include "live_section.h"

#include <fmt/format.h>

#include "conformance.h"

namespace altpv::demo {

using testbed::report::CheckResult;
using testbed::report::LiveKeysRecord;

namespace {

// Enough toggles for stable per-toggle figures, few enough for seconds.
constexpr std::uint64_t kDemoToggles = 200;

struct LiveCase {
  const char* test;
  unsigned vcpus;
};
constexpr LiveCase kCases[] = {
    {"live.key_stress", 5}, {"live.module_stress", 5}, {"live.key_stress", 2}};

double per_toggle(std::uint64_t count, const LiveKeysRecord& r) {
  return r.toggles == 0 ? 0 : static_cast<double>(count) / static_cast<double>(r.toggles);
}

}  // namespace

double LiveRun::toggles_per_second() const {
  if (!record || record->tsc_cycles == 0 || tsc_khz == 0) return 0;
  return static_cast<double>(record->toggles) * tsc_khz * 1e3 /
         static_cast<double>(record->tsc_cycles);
}

bool LiveSection::passed() const {
  for (const LiveRun& r : runs) {
    if (!r.verdict.passed()) return false;
  }
  return !runs.empty();
}

CheckResult check_live_record(const LiveKeysRecord& r, unsigned aps, std::uint64_t toggles) {
  CheckResult v;
  auto expect = [&](bool ok, const std::string& what) {
    if (!ok) v.fail(what);
  };
  expect(r.vcpus_running == aps, fmt::format("{} APs ran the sites, not {}", r.vcpus_running, aps));
  expect(r.toggles == toggles, fmt::format("{} toggles, not {}", r.toggles, toggles));
  expect(r.failed_switches == 0, fmt::format("{} switches failed", r.failed_switches));
  expect(r.wrong == 0, fmt::format("{} calls returned a wrong result", r.wrong));
  expect(r.add_up, "an AP's enabled + disabled + wrong counts differ from its calls");
  expect(r.enabled > 0 && r.disabled > 0,
         fmt::format("both states must be seen: enabled {}, disabled {}", r.enabled, r.disabled));
  expect(r.syncs == 3 * r.toggles,
         fmt::format("{} syncs for {} toggles, not three each", r.syncs, r.toggles));
  expect(r.exits == r.syncs && r.exits_io == r.syncs,
         fmt::format("the toggling vCPU exited {} times ({} hypercalls) for {} syncs", r.exits,
                     r.exits_io, r.syncs));
  return v;
}

LiveSection run_live_section(const testbed::report::Testbed& testbed,
                             const std::function<void(const LiveRun&)>& on_run) {
  LiveSection s;
  for (const LiveCase& c : kCases) {
    testbed::report::VmmInvocation inv;
    inv.run = c.test;
    inv.guest_words = {fmt::format("live.toggles={}", kDemoToggles)};
    inv.vmm_options = {"--vcpus", std::to_string(c.vcpus)};
    const testbed::report::MachineRun run = testbed::report::run_machine(testbed, inv);

    LiveRun r;
    r.test = c.test;
    r.vcpus = c.vcpus;
    r.command = testbed::report::command_line(run.command);
    r.sync_mode = run.result.sync_mode;
    r.tsc_khz = run.result.tsc_khz;
    r.verdict.merge(run.problems);
    r.verdict.merge(testbed::report::check_guest_passed(run.result, {c.test}));
    if (run.guest.live_keys.size() == 1) {
      r.record = run.guest.live_keys.front();
      r.verdict.merge(check_live_record(*r.record, c.vcpus - 1, kDemoToggles));
    } else {
      r.verdict.fail(fmt::format("{} live_keys records, not one", run.guest.live_keys.size()));
    }
    on_run(r);
    s.runs.push_back(std::move(r));
  }
  return s;
}

std::string live_section_text(const LiveSection& s) {
  std::string out =
      "Live keys in the guest: the BSP toggles a key while the APs run its sites\n\n"
      "| sites | APs | toggles | calls | wrong | toggles/s | SyncCores/toggle | "
      "toggler exits/toggle | vCPUs in the guest/toggle | int3 hits/toggle | sync |\n"
      "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n";
  for (const LiveRun& r : s.runs) {
    if (!r.record) {
      out += fmt::format("| {} | {} | FAILED: no record | | | | | | | | |\n", r.test, r.vcpus - 1);
      continue;
    }
    const LiveKeysRecord& k = *r.record;
    out += fmt::format(
        "| {} | {} | {} | {} | {} | {:.0f} | {:.0f} | {:.0f} | {:.1f} | {:.1f} | {} |\n", k.sites,
        k.vcpus_running, k.toggles, k.calls, k.wrong, r.toggles_per_second(),
        per_toggle(k.syncs, k), per_toggle(k.exits, k), per_toggle(k.vcpus_in_guest, k),
        per_toggle(k.int3_hits, k), r.sync_mode);
  }
  for (const LiveRun& r : s.runs) {
    if (!r.verdict.passed()) {
      out += fmt::format("  FAIL {} on {} vCPUs: {}\n  ({})\n", r.test, r.vcpus,
                         r.verdict.describe(), r.command);
    }
  }
  if (s.passed()) {
    out +=
        "\nEvery call returned the value of the state it ran in, every AP's counts add up, "
        "and each toggle took three SyncCores calls, one VM exit each.\n";
  }
  return out;
}

nlohmann::json live_section_json(const LiveSection& s) {
  nlohmann::json runs = nlohmann::json::array();
  for (const LiveRun& r : s.runs) {
    nlohmann::json j = {{"test", r.test},
                        {"vcpus", r.vcpus},
                        {"command", r.command},
                        {"sync_mode", r.sync_mode},
                        {"tsc_khz", r.tsc_khz},
                        {"passed", r.verdict.passed()},
                        {"reasons", r.verdict.failures}};
    if (r.record) {
      j["record"] = *r.record;
      j["toggles_per_second"] = r.toggles_per_second();
    }
    runs.push_back(std::move(j));
  }
  return {{"passed", s.passed()}, {"runs", runs}};
}

}  // namespace altpv::demo
