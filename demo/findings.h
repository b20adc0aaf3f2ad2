// SPDX-License-Identifier: MIT
// What one demo run found (docs/demo.md): per machine, the patch decisions
// at the demo's MSR sites, the conformance verdict and the per-strategy
// figures; the hvm/pv differential per CPU model; the host benchmark if it
// ran; and the README's claims about the figures, checked against this
// run's counts. The writers (summary_text.h, report_json.h, svg_chart.h)
// only present it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "conformance.h"
#include "elf_file.h"
#include "guest_elf.h"
#include "guest_output.h"
#include "machine_run.h"
#include "machines.h"

namespace altpv::demo {

using testbed::report::CheckResult;
using testbed::report::MachineConfig;

// A demo site: the one altpv site inside a figure's reference function.
struct DemoSite {
  std::string name;      // wrmsr_ns_const, rdmsr_var
  std::string function;  // figure_altpv_<name>
  std::optional<testbed::report::DecisionRecord> decision;
  std::string after;  // the site's instructions in guest memory after patching, NOPs summed
};

struct StrategyFigure {
  std::string strategy;  // figure_strategies()
  std::string op;        // wrmsr_ns_const, rdmsr_var
  testbed::report::CallSiteBytes site;
  std::optional<unsigned> site_len;  // altpv: the patch site's own length
  std::uint64_t insns = 0;
  std::uint64_t exits = 0;
};

struct MachineFindings {
  MachineConfig machine;
  std::vector<std::string> commands;  // the boots, as shell lines
  std::vector<DemoSite> sites;
  std::vector<StrategyFigure> figures;
  std::vector<StrategyFigure> privileged;  // figures.privileged: altpv/privileged.h's ops
  testbed::report::WorkloadBoot workload;
  CheckResult verdict;  // conformance, decision, msr.safe, figures

  const StrategyFigure* figure(std::string_view strategy, std::string_view op) const;
  const StrategyFigure* privileged_figure(std::string_view strategy, std::string_view op) const;
};

struct Differential {
  std::string cpu_model;
  CheckResult verdict;
};

// altpv-bench's --json (docs/bench.md): host ns/call per strategy, and each
// one's ratio to hand-written inline asm.
struct DispatchResult {
  std::string op;        // rdpid, rdfsbase
  std::string strategy;  // inline_asm, altpv_inline, pv_ops, ...
  double ns_per_call = 0;
  std::optional<double> ratio;  // to inline_asm; empty when it was filtered out
};

struct BenchResults {
  std::string cpu;
  std::vector<DispatchResult> dispatch;
  nlohmann::json document;  // the whole file, kept for report.json
};

// A statement the README makes about the figures, and whether this run's
// counts bear it out.
struct Claim {
  std::string statement;
  bool holds = false;
  std::vector<std::string> evidence;  // the numbers compared, one line per machine and op
};

struct DemoFindings {
  std::string guest;
  std::vector<MachineFindings> machines;
  std::vector<Differential> differentials;
  std::vector<Claim> claims;
  std::optional<BenchResults> bench;

  // Every machine, differential and claim passed.
  bool passed() const;
};

// The strategies and ops figures.msr measures, in its order. altpv is the
// PV backend's generic stub path (natively the instruction), altpv_stub its
// hand-written stubs, measured only for the constant-index ops, altpv_lean
// the generic path before preserving stubs (natively altpv's site), not for
// the context switch.
const std::vector<std::string>& figure_strategies();
const std::vector<std::string>& figure_ops();
bool figure_measured(std::string_view strategy, std::string_view op);
// The strategies and ops figures.privileged measures, in its order: altpv's
// site and Linux's pv_ops call (a callee-save thunk for the irq ops).
const std::vector<std::string>& privileged_strategies();
const std::vector<std::string>& privileged_ops();
// The MSR accesses one op makes: the context switch writes three MSRs.
std::uint64_t msr_accesses(std::string_view op);

// Boots `machine` twice: msr.workload with altpv.debug and --dump-text
// (conformance and decisions), then msr.safe, figures.msr and
// figures.privileged with --count-insns. `guest` is the guest ELF (bytes at the call sites).
MachineFindings measure_machine(const testbed::report::Testbed& testbed,
                                const inspect::ElfFile& guest, const MachineConfig& machine);

// hvm against pv, per CPU model.
std::vector<Differential> differentials(const std::vector<MachineFindings>& machines);

// The README's figure claims, each checked on `machines`: the MSR ops', and
// the privileged ops'.
std::vector<Claim> figure_claims(const std::vector<MachineFindings>& machines);
std::vector<Claim> privileged_claims(const std::vector<MachineFindings>& machines);

// Throws testbed::report::ParseError when a documented field is missing.
BenchResults parse_bench_results(std::string_view text);

}  // namespace altpv::demo
