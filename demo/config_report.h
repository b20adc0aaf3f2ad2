// SPDX-License-Identifier: MIT
// Everything the demo shows for one testbed machine: the patch decisions
// at the demo's MSR sites, the conformance verdict, and the per-strategy
// figures (bytes at the call site, guest instructions and VM exits per op).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "call_site_bytes.h"
#include "decision_lines.h"
#include "testbed_config.h"
#include "verdict.h"
#include "vmm_run.h"
#include "workload_boot.h"

namespace altpv::inspect {
class ElfFile;
}

namespace altpv::demo {

// A demo site: the one altpv site inside a figure's reference function.
struct DemoSite {
  std::string name;      // wrmsr_ns_const, rdmsr_var
  std::string function;  // figure_altpv_<name>
  std::optional<SiteDecision> decision;
  std::string after;  // the site's instructions after patching, NOPs folded
};

struct StrategyFigure {
  std::string strategy;  // altpv, pvops_indirect, pvops_direct
  std::string op;        // wrmsr_ns_const, rdmsr_var
  CallSiteBytes site;
  std::optional<unsigned> site_len;  // altpv: the patch site's own length
  std::uint64_t insns = 0;
  std::uint64_t exits = 0;
};

struct ConfigReport {
  TestbedConfig config;
  std::vector<std::string> commands;  // the boots, as shell lines
  std::vector<DemoSite> sites;
  std::vector<StrategyFigure> figures;
  WorkloadBoot workload;
  Verdict verdict;  // conformance, decision, msr.safe, figures
};

// Boots `config` twice: msr.workload with altpv.debug (conformance and
// decisions), then msr.safe and figures.msr with --count-insns.
ConfigReport measure_config(const Testbed& testbed, const inspect::ElfFile& guest,
                            const TestbedConfig& config);

// The strategies and ops figures.msr measures, in its order.
const std::vector<std::string>& figure_strategies();
const std::vector<std::string>& figure_ops();

}  // namespace altpv::demo
