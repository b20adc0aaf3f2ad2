// SPDX-License-Identifier: MIT
#include "findings.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "abi/abi.h"

namespace altpv::demo {
namespace {

using namespace testbed::report;

DemoSite demo_site(const std::string& name, const MachineRun& run, const inspect::ElfFile& guest) {
  DemoSite site{name, "figure_altpv_" + name, std::nullopt, ""};
  const DecisionRecord* d = decision_in(run.guest.decisions, guest, site.function);
  if (d == nullptr) return site;
  site.decision = *d;
  // What memory held, not what the engine said it wrote.
  const auto held = run.dumped_text ? code_at(*run.dumped_text, d->address, d->len) : std::nullopt;
  site.after = held ? describe_code(*held, d->address, guest) : "(not in the dumped text)";
  return site;
}

// The figures boot: msr.safe must fault without a write, figures.msr and
// figures.privileged must write one record per strategy and op.
std::vector<FigureRecord> boot_figures(const Testbed& testbed, const MachineConfig& machine,
                                       MachineFindings& findings) {
  const MachineRun run = run_machine(
      testbed, {machine, "msr.safe,figures.msr,figures.privileged", {}, /*count_insns=*/true});
  findings.commands.push_back(command_line(run.command));
  findings.verdict.merge(run.problems, "figures boot: ");
  findings.verdict.merge(
      check_guest_passed(run.result, {"msr.safe", "figures.msr", "figures.privileged"}));
  findings.verdict.merge(check_untouched(run.msr_log, testbed::kAbsentMsr), "msr.safe: ");
  return run.guest.figures;
}

// One claim, checked comparison by comparison.
class ClaimCheck {
 public:
  explicit ClaimCheck(std::string statement) : claim_{std::move(statement), true, {}} {}

  void require(bool ok, std::string evidence) {
    if (!ok) claim_.holds = false;
    claim_.evidence.push_back((ok ? "" : "NOT: ") + std::move(evidence));
  }
  Claim done() {
    if (claim_.evidence.empty()) require(false, "no figures to check it on");
    return std::move(claim_);
  }

 private:
  Claim claim_;
};

const std::string kAltpv = "altpv";
const std::string kAltpvStub = "altpv_stub";
const std::string kAltpvLean = "altpv_lean";
const std::string kContextSwitch = "context_switch";
// The ops whose site the decision table shows (one site each).
const std::string kSiteOps[] = {"wrmsr_ns_const", "rdmsr_var"};
const std::string kIndirect = "pvops_indirect";
const std::string kDirect = "pvops_direct";

const StrategyFigure* find_figure(const std::vector<StrategyFigure>& figures,
                                  std::string_view strategy, std::string_view op) {
  for (const StrategyFigure& f : figures) {
    if (f.strategy == strategy && f.op == op) return &f;
  }
  return nullptr;
}

}  // namespace

const StrategyFigure* MachineFindings::figure(std::string_view strategy,
                                              std::string_view op) const {
  return find_figure(figures, strategy, op);
}

const StrategyFigure* MachineFindings::privileged_figure(std::string_view strategy,
                                                         std::string_view op) const {
  return find_figure(privileged, strategy, op);
}

bool DemoFindings::passed() const {
  const auto ok = [](const auto& item) { return item.verdict.passed(); };
  return !machines.empty() && std::all_of(machines.begin(), machines.end(), ok) &&
         std::all_of(differentials.begin(), differentials.end(), ok) && !claims.empty() &&
         std::all_of(claims.begin(), claims.end(), [](const Claim& c) { return c.holds; });
}

const std::vector<std::string>& figure_strategies() {
  static const std::vector<std::string> strategies = {kAltpv, kAltpvStub, kAltpvLean, kIndirect,
                                                      kDirect};
  return strategies;
}

const std::vector<std::string>& figure_ops() {
  static const std::vector<std::string> ops = {"wrmsr_ns_const", "rdmsr_var", "rdmsr_const",
                                               kContextSwitch};
  return ops;
}

const std::vector<std::string>& privileged_strategies() {
  static const std::vector<std::string> strategies = {kAltpv, kIndirect};
  return strategies;
}

const std::vector<std::string>& privileged_ops() {
  static const std::vector<std::string> ops = {
      "irq_disable", "irq_enable",    "save_fl", "restore_fl",     "read_cr2",       "read_cr3",
      "write_cr3",   "flush_tlb_one", "wbinvd",  "lazy_mmu_enter", "lazy_mmu_leave", "set_pte"};
  return ops;
}

bool figure_measured(std::string_view strategy, std::string_view op) {
  if (strategy == kAltpvStub) return op == "wrmsr_ns_const" || op == "rdmsr_const";
  return strategy != kAltpvLean || op != kContextSwitch;
}

std::uint64_t msr_accesses(std::string_view op) {
  return op == kContextSwitch ? 3 : 1;
}

MachineFindings measure_machine(const Testbed& testbed, const inspect::ElfFile& guest,
                                const MachineConfig& machine) {
  MachineFindings findings;
  findings.machine = machine;
  findings.workload = boot_workload(testbed, machine);
  const MachineRun& workload = findings.workload.run;
  findings.commands.push_back(command_line(workload.command));
  findings.verdict.merge(findings.workload.verdict, "msr.workload: ");

  for (const std::string& op : kSiteOps) findings.sites.push_back(demo_site(op, workload, guest));
  if (workload.dumped_text) {
    findings.verdict.merge(
        check_wrmsr_ns_const_site(*workload.dumped_text, workload.guest.decisions, machine),
        "decision: ");
  }

  const std::vector<FigureRecord> records = boot_figures(testbed, machine, findings);
  for (const std::string& op : figure_ops()) {
    for (const std::string& strategy : figure_strategies()) {
      if (!figure_measured(strategy, op)) continue;
      const auto record = std::find_if(records.begin(), records.end(), [&](const FigureRecord& r) {
        return r.strategy == strategy && r.op == op;
      });
      if (record == records.end()) {
        findings.verdict.fail("figures.msr wrote no figure for " + strategy + " " + op);
        continue;
      }
      StrategyFigure f{strategy,
                       op,
                       call_site_bytes(guest, reference_function(strategy, op, machine.hv)),
                       std::nullopt,
                       record->insns,
                       record->exits};
      if (strategy == kAltpv) {
        for (const DemoSite& s : findings.sites) {
          if (s.name == op && s.decision) f.site_len = s.decision->len;
        }
      }
      findings.figures.push_back(std::move(f));
    }
  }
  for (const std::string& op : privileged_ops()) {
    for (const std::string& strategy : privileged_strategies()) {
      const auto record = std::find_if(records.begin(), records.end(), [&](const FigureRecord& r) {
        return r.strategy == strategy && r.op == op;
      });
      if (record == records.end()) {
        findings.verdict.fail("figures.privileged wrote no figure for " + strategy + " " + op);
        continue;
      }
      const std::string function = reference_function(strategy, op, machine.hv);
      StrategyFigure f{strategy,      op,           call_site_bytes(guest, function), std::nullopt,
                       record->insns, record->exits};
      if (strategy == kAltpv) {
        if (const DecisionRecord* d = decision_in(workload.guest.decisions, guest, function)) {
          f.site_len = d->len;
        }
      }
      findings.privileged.push_back(std::move(f));
    }
  }
  return findings;
}

std::vector<Differential> differentials(const std::vector<MachineFindings>& machines) {
  std::vector<Differential> out;
  for (const CpuModelSpec& model : cpu_models()) {
    const MachineFindings* hvm = nullptr;
    const MachineFindings* pv = nullptr;
    for (const MachineFindings& m : machines) {
      if (m.machine.model.name != model.name) continue;
      (m.machine.hv == Personality::Hvm ? hvm : pv) = &m;
    }
    if (hvm == nullptr || pv == nullptr) continue;
    out.push_back(
        {model.name, check_differential(hvm->workload.run.msr_log, pv->workload.run.msr_log)});
  }
  return out;
}

namespace {

// The ops whose PV form is inline, and those that need the hypervisor.
const std::string kPvInline[] = {"irq_disable", "irq_enable", "save_fl", "read_cr2"};
const std::string kPvHypercall[] = {"write_cr3", "flush_tlb_one", "wbinvd", "set_pte"};

}  // namespace

std::vector<Claim> privileged_claims(const std::vector<MachineFindings>& machines) {
  ClaimCheck native(
      "natively (hvm), every privileged op executes no more guest instructions than pv_ops' "
      "indirect call, and makes no VM exit more");
  ClaimCheck inline_pv(
      "under PV, irq_disable, irq_enable (nothing pending), save_fl and read_cr2 are inline: at "
      "most 3 guest instructions and no VM exit");
  ClaimCheck hypercall(
      "under PV, the privileged ops that need the hypervisor (write_cr3, flush_tlb_one, wbinvd, "
      "set_pte) cost exactly one VM exit and no more guest instructions than pv_ops' call");
  for (const MachineFindings& m : machines) {
    const bool hvm = m.machine.hv == Personality::Hvm;
    for (const std::string& op : privileged_ops()) {
      const StrategyFigure* altpv = m.privileged_figure(kAltpv, op);
      const StrategyFigure* pvops = m.privileged_figure(kIndirect, op);
      const std::string where = m.machine.name() + " " + op;
      if (altpv == nullptr || pvops == nullptr) {
        (hvm ? native : hypercall).require(false, where + ": figures missing");
        continue;
      }
      const std::string counts =
          fmt::format("{}: altpv {} i {} x, pv_ops {} i {} x", where, altpv->insns, altpv->exits,
                      pvops->insns, pvops->exits);
      if (hvm) {
        native.require(altpv->insns <= pvops->insns && altpv->exits <= pvops->exits, counts);
      } else if (std::find(std::begin(kPvInline), std::end(kPvInline), op) != std::end(kPvInline)) {
        inline_pv.require(altpv->insns <= 3 && altpv->exits == 0, counts);
      } else if (std::find(std::begin(kPvHypercall), std::end(kPvHypercall), op) !=
                 std::end(kPvHypercall)) {
        hypercall.require(altpv->exits == 1 && altpv->insns <= pvops->insns, counts);
      }
    }
  }
  return {native.done(), inline_pv.done(), hypercall.done()};
}

std::vector<Claim> figure_claims(const std::vector<MachineFindings>& machines) {
  ClaimCheck native(
      "natively (hvm), altpv executes no more guest instructions per op than pv_ops, indirect "
      "or direct");
  ClaimCheck third(
      "with MSR_IMM, the constant-index wrmsr_ns takes at most a third of the guest "
      "instructions of a pv_ops indirect call, and at most half of a direct one's");
  ClaimCheck one_exit(
      "every MSR access costs exactly one VM exit, with every strategy on every machine (the "
      "context switch makes three)");
  ClaimCheck pv_pays(
      "under PV, altpv's generic path (preserving stub and C++ handler) costs more guest "
      "instructions than pv_ops' direct C-ABI call, at most twice as many, and fewer than the "
      "lean stubs it replaced: the PV side pays for preserving the registers the op keeps");
  ClaimCheck hand_written(
      "under PV, a hand-written stub the backend supplies for one MSR costs no more guest "
      "instructions than pv_ops' indirect call");
  ClaimCheck context_switch(
      "the context switch (eight values live across three MSR writes) costs fewer guest "
      "instructions through altpv than through pv_ops, natively and under PV");
  for (const MachineFindings& m : machines) {
    std::vector<std::uint64_t> exits;
    bool one_each = !m.figures.empty();
    for (const StrategyFigure& f : m.figures) {
      exits.push_back(f.exits);
      one_each = one_each && f.exits == msr_accesses(f.op);
    }
    one_exit.require(one_each,
                     fmt::format("{}: exits per op {}", m.machine.name(), fmt::join(exits, ", ")));
    const bool hvm = m.machine.hv == Personality::Hvm;
    for (const std::string& op : figure_ops()) {
      const StrategyFigure* altpv = m.figure(kAltpv, op);
      const StrategyFigure* stub = m.figure(kAltpvStub, op);
      const StrategyFigure* lean = m.figure(kAltpvLean, op);
      const StrategyFigure* indirect = m.figure(kIndirect, op);
      const StrategyFigure* direct = m.figure(kDirect, op);
      const std::string where = m.machine.name() + " " + op;
      ClaimCheck& claim = op == kContextSwitch ? context_switch : hvm ? native : pv_pays;
      if (altpv == nullptr || indirect == nullptr || direct == nullptr ||
          (figure_measured(kAltpvStub, op) && stub == nullptr) ||
          (figure_measured(kAltpvLean, op) && lean == nullptr)) {
        claim.require(false, where + ": figures missing");
        continue;
      }
      const std::uint64_t pvops = std::min(indirect->insns, direct->insns);
      const std::string counts =
          fmt::format("{}: altpv {}{}{}, pv_ops indirect {}, direct {}", where, altpv->insns,
                      stub != nullptr ? fmt::format(" (hand-written stub {})", stub->insns) : "",
                      lean != nullptr ? fmt::format(" (lean stub {})", lean->insns) : "",
                      indirect->insns, direct->insns);
      if (op == kContextSwitch) {
        context_switch.require(altpv->insns < pvops, counts);
      } else if (hvm) {
        native.require(altpv->insns <= pvops && (stub == nullptr || stub->insns <= pvops), counts);
        if (m.machine.model.msr_imm && op == "wrmsr_ns_const") {
          third.require(3 * altpv->insns <= indirect->insns && 2 * altpv->insns <= direct->insns,
                        counts);
        }
      } else {
        pv_pays.require(altpv->insns > direct->insns && altpv->insns <= 2 * direct->insns &&
                            altpv->insns < lean->insns,
                        counts);
        if (stub != nullptr) hand_written.require(stub->insns <= indirect->insns, counts);
      }
    }
  }
  return {native.done(),  third.done(),        one_exit.done(),
          pv_pays.done(), hand_written.done(), context_switch.done()};
}

BenchResults parse_bench_results(std::string_view text) {
  try {
    BenchResults r;
    r.document = nlohmann::json::parse(text);
    r.cpu = r.document.at("machine").at("cpu");
    for (const auto& d : r.document.at("dispatch")) {
      DispatchResult result{d.at("op"), d.at("strategy"), d.at("ns_per_call"), std::nullopt};
      if (!d.at("ratio").is_null()) result.ratio = d["ratio"].get<double>();
      r.dispatch.push_back(std::move(result));
    }
    return r;
  } catch (const std::exception& e) {
    throw ParseError(std::string("altpv-bench json: ") + e.what());
  }
}

}  // namespace altpv::demo
