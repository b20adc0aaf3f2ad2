// SPDX-License-Identifier: MIT
#include "config_report.h"

#include "abi/abi.h"
#include "conformance.h"
#include "disassembler.h"
#include "elf_file.h"
#include "expected_decision.h"
#include "figure_lines.h"
#include "guest_functions.h"
#include "parse_error.h"
#include "parsed_boot.h"

namespace altpv::demo {
namespace {

std::vector<std::uint8_t> hex_to_bytes(const std::string& hex) {
  std::vector<std::uint8_t> bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 3) {
    bytes.push_back(static_cast<std::uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
  }
  return bytes;
}

// "wrmsrns $0x40000100, %rax + 8 bytes of NOP": the instructions as they
// run at `address`, branch targets named, the padding summarised.
std::string describe_bytes(const std::string& hex, std::uint64_t address,
                           const inspect::ElfFile& guest) {
  const std::vector<std::uint8_t> bytes = hex_to_bytes(hex);
  const inspect::Disassembly code = inspect::disassemble(bytes, address);
  const hosted::SymbolTable& symbols = guest.symbols();
  std::string text;
  std::size_t nop_bytes = 0;
  for (const inspect::Instruction& insn : code.instructions) {
    if (insn.nop) {
      nop_bytes += insn.bytes.size();
      continue;
    }
    if (!text.empty()) text += "; ";
    text += insn.text;
    if (insn.branch_target) text += " <" + symbols.describe(*insn.branch_target) + ">";
  }
  if (nop_bytes != 0) text += " + " + std::to_string(nop_bytes) + " bytes of NOP";
  if (!code.complete()) text += " (" + code.error + ")";
  return text;
}

DemoSite demo_site(const std::string& name, const std::vector<SiteDecision>& decisions,
                   const inspect::ElfFile& guest) {
  DemoSite site{name, "figure_altpv_" + name, std::nullopt, ""};
  if (const SiteDecision* d = decision_in(decisions, guest, site.function)) {
    site.decision = *d;
    site.after =
        describe_bytes(d->new_bytes.empty() ? d->old_bytes : d->new_bytes, d->address, guest);
  }
  return site;
}

// The figures boot: msr.safe must fault without a write, figures.msr must
// print one line per strategy and op.
std::vector<FigureLine> boot_figures(const Testbed& testbed, const TestbedConfig& config,
                                     ConfigReport& report) {
  const VmmRun run = run_vmm(testbed, {config, "msr.safe,figures.msr", {}, true});
  report.commands.push_back(command_line(run.command));
  const ParsedBoot boot = parse_boot(run, report.verdict);
  report.verdict.merge(check_guest_passed(boot.result, {"msr.safe", "figures.msr"}), "");
  report.verdict.merge(check_untouched(boot.log, testbed::kAbsentMsr), "msr.safe: ");
  try {
    return parse_figures(run.child.out);
  } catch (const ParseError& e) {
    report.verdict.fail(e.what());
    return {};
  }
}

}  // namespace

const std::vector<std::string>& figure_strategies() {
  static const std::vector<std::string> strategies = {"altpv", "pvops_indirect", "pvops_direct"};
  return strategies;
}

const std::vector<std::string>& figure_ops() {
  static const std::vector<std::string> ops = {"wrmsr_ns_const", "rdmsr_var"};
  return ops;
}

ConfigReport measure_config(const Testbed& testbed, const inspect::ElfFile& guest,
                            const TestbedConfig& config) {
  ConfigReport report;
  report.config = config;
  report.workload = boot_workload(testbed, config);
  report.commands.push_back(command_line(report.workload.run.command));
  report.verdict.merge(report.workload.verdict, "msr.workload: ");

  for (const std::string& op : figure_ops()) {
    report.sites.push_back(demo_site(op, report.workload.decisions, guest));
  }
  const SiteDecision* ns_const = report.sites[0].decision ? &*report.sites[0].decision : nullptr;
  report.verdict.merge(check_wrmsr_ns_const_decision(ns_const, config), "decision: ");

  const std::vector<FigureLine> lines = boot_figures(testbed, config, report);
  for (const std::string& op : figure_ops()) {
    for (const std::string& strategy : figure_strategies()) {
      StrategyFigure f{
          strategy,     op, call_site_bytes(guest, reference_function(strategy, op, config.hv)),
          std::nullopt, 0,  0};
      if (strategy == "altpv") {
        for (const DemoSite& s : report.sites) {
          if (s.name == op && s.decision) f.site_len = s.decision->len;
        }
      }
      bool found = false;
      for (const FigureLine& line : lines) {
        if (line.strategy != strategy || line.op != op) continue;
        f.insns = line.insns;
        f.exits = line.exits;
        found = true;
      }
      if (!found) report.verdict.fail("figures.msr printed no figure for " + strategy + " " + op);
      report.figures.push_back(std::move(f));
    }
  }
  return report;
}

}  // namespace altpv::demo
