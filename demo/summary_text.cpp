// SPDX-License-Identifier: MIT
#include "summary_text.h"

#include <algorithm>

#include <fmt/format.h>

namespace altpv::demo {
namespace {

using testbed::report::CpuModelSpec;
using testbed::report::Personality;

std::string cell(const StrategyFigure* f) {
  if (f == nullptr) return "-";
  return fmt::format("{}B {}i {}x", f->site.bytes, f->insns, f->exits);
}

const MachineFindings* find_machine(const DemoFindings& r, const std::string& model,
                                    Personality hv) {
  for (const MachineFindings& m : r.machines) {
    if (m.machine.model.name == model && m.machine.hv == hv) return &m;
  }
  return nullptr;
}

std::string model_words(const CpuModelSpec& m) {
  if (m.msr_imm) return "WRMSRNS+MSR_IMM";
  if (m.wrmsrns) return "WRMSRNS";
  return "neither WRMSRNS nor MSR_IMM";
}

// "6 guest instructions and 1 VM exit (20 bytes at the call site)"
std::string cost_words(const StrategyFigure& f) {
  return fmt::format("{} guest instruction{} and {} VM exit{} ({} bytes at the call site)", f.insns,
                     f.insns == 1 ? "" : "s", f.exits, f.exits == 1 ? "" : "s", f.site.bytes);
}

std::string op_words(const std::string& op) {
  if (op == "wrmsr_ns_const") return "constant-index wrmsr_ns";
  if (op == "rdmsr_const") return "constant-index rdmsr";
  if (op == "context_switch") return "context switch";
  return "variable-index rdmsr";
}

}  // namespace

std::string summary_tables(const DemoFindings& r) {
  std::string out = "Patch decisions at the demo's MSR sites (from altpv.debug)\n";
  out += fmt::format("{:<22} {:<15} {:>4}  {:<26} {}\n", "machine", "site", "len", "choice",
                     "site after patching");
  for (const MachineFindings& c : r.machines) {
    for (const DemoSite& s : c.sites) {
      if (!s.decision) {
        out += fmt::format("{:<22} {:<15} {:>4}  {:<26} {}\n", c.machine.name(), s.name, "?",
                           "(no decision line)", "");
        continue;
      }
      out += fmt::format("{:<22} {:<15} {:>4}  {:<26} {}\n", c.machine.name(), s.name,
                         s.decision->len, s.decision->choice(), s.after);
    }
  }
  out += "\nPer op: bytes at the call site (B), guest instructions (i), VM exits (x)\n";
  out +=
      "altpv: the PV backend's generic stub (natively the instruction); altpv_stub: its "
      "hand-written stub for one MSR; altpv_lean: the generic path before preserving stubs\n";
  out +=
      fmt::format("{:<22} {:<15} {:<16} {:<16} {:<16} {:<16} {:<16} {}\n", "machine", "op", "altpv",
                  "altpv_stub", "altpv_lean", "pvops_indirect", "pvops_direct", "conformance");
  for (const MachineFindings& c : r.machines) {
    for (const std::string& op : figure_ops()) {
      out += fmt::format("{:<22} {:<15} {:<16} {:<16} {:<16} {:<16} {:<16} {}\n", c.machine.name(),
                         op, cell(c.figure("altpv", op)), cell(c.figure("altpv_stub", op)),
                         cell(c.figure("altpv_lean", op)), cell(c.figure("pvops_indirect", op)),
                         cell(c.figure("pvops_direct", op)), c.verdict.passed() ? "PASS" : "FAIL");
    }
  }
  out += "\nPrivileged ops: bytes at the call site (B), guest instructions (i), VM exits (x)\n";
  out +=
      "altpv: the op's site (natively the instruction; under pv inline or a native-ABI stub); "
      "pvops_indirect: call *pv_ops (callee-save thunk for the irq ops)\n";
  out += fmt::format("{:<22} {:<15} {:<16} {:<16}\n", "machine", "op", "altpv", "pvops_indirect");
  for (const MachineFindings& c : r.machines) {
    for (const std::string& op : privileged_ops()) {
      out += fmt::format("{:<22} {:<15} {:<16} {:<16}\n", c.machine.name(), op,
                         cell(c.privileged_figure("altpv", op)),
                         cell(c.privileged_figure("pvops_indirect", op)));
    }
  }
  for (const Differential& d : r.differentials) {
    out += fmt::format("differential hvm vs pv, {:<16} {}\n", d.cpu_model + ":",
                       d.verdict.passed() ? "PASS" : "FAIL");
  }
  if (r.bench) {
    out += fmt::format("\nHost (Linux process, {}): ns per call and ratio to inline asm\n",
                       r.bench->cpu);
    out += fmt::format("{:<10} {:<24} {:>8} {:>8}\n", "op", "strategy", "ns/call", "x asm");
    for (const DispatchResult& d : r.bench->dispatch) {
      out += fmt::format("{:<10} {:<24} {:>8.2f} {:>8}\n", d.op, d.strategy, d.ns_per_call,
                         d.ratio ? fmt::format("{:.2f}", *d.ratio) : "-");
    }
  }
  return out;
}

std::string summary_words(const DemoFindings& r) {
  std::string out;
  for (const CpuModelSpec& m : testbed::report::cpu_models()) {
    const MachineFindings* c = find_machine(r, m.name, Personality::Hvm);
    if (c == nullptr) continue;
    for (const DemoSite& s : c->sites) {
      const StrategyFigure* altpv = c->figure("altpv", s.name);
      const StrategyFigure* pvops = c->figure("pvops_indirect", s.name);
      if (!s.decision || altpv == nullptr || pvops == nullptr) continue;
      out += fmt::format(
          "- With {} (hvm), the {} site ({} bytes) became `{}` ({}): one op costs {}; a pv_ops "
          "indirect call costs {}.\n",
          model_words(m), op_words(s.name), s.decision->len, s.after, s.decision->choice(),
          cost_words(*altpv), cost_words(*pvops));
    }
  }
  if (const MachineFindings* pv =
          find_machine(r, testbed::report::cpu_models().back().name, Personality::Pv)) {
    for (const DemoSite& s : pv->sites) {
      const StrategyFigure* altpv = pv->figure("altpv", s.name);
      const StrategyFigure* direct = pv->figure("pvops_direct", s.name);
      const StrategyFigure* lean = pv->figure("altpv_lean", s.name);
      if (!s.decision || altpv == nullptr || direct == nullptr || lean == nullptr) continue;
      out += fmt::format(
          "- Under the PV personality the {} site became `{}`, a call to its generic native-ABI "
          "stub (registers preserved, so the caller spills nothing): {} (with the lean stubs "
          "before it: {}); pv_ops direct-called costs {}. The PV side pays; the native side "
          "above pays nothing.\n",
          op_words(s.name), s.after, cost_words(*altpv), cost_words(*lean), cost_words(*direct));
    }
  }
  std::size_t passed = 0;
  for (const MachineFindings& c : r.machines) passed += c.verdict.passed() ? 1 : 0;
  out += fmt::format(
      "- Conformance: {} of {} machines passed (every MSR write reached the VMM in order, by "
      "the path the CPU model and personality imply, and the final MSR bank matches); the "
      "hvm and pv write sequences agree for {} of {} CPU models.\n",
      passed, r.machines.size(),
      std::count_if(r.differentials.begin(), r.differentials.end(),
                    [](const Differential& d) { return d.verdict.passed(); }),
      r.differentials.size());
  if (r.bench) {
    for (const DispatchResult& d : r.bench->dispatch) {
      if (d.op != "rdpid" || !d.ratio) continue;
      if (d.strategy == "altpv_inline" || d.strategy == "pv_ops" ||
          d.strategy.find("stub") != std::string::npos) {
        out += fmt::format("- Host rdpid, {}: {:.2f} ns/call, {:.2f}x hand-written asm.\n",
                           d.strategy, d.ns_per_call, *d.ratio);
      }
    }
  }
  for (const MachineFindings& c : r.machines) {
    for (const std::string& reason : c.verdict.failures) {
      out += fmt::format("  FAIL {}: {}\n", c.machine.name(), reason);
    }
  }
  for (const Differential& d : r.differentials) {
    for (const std::string& reason : d.verdict.failures) {
      out += fmt::format("  FAIL differential {}: {}\n", d.cpu_model, reason);
    }
  }
  return out;
}

std::string summary_claims(const DemoFindings& r) {
  std::string out = "Claims about the figures, checked against this run's counts\n";
  for (const Claim& c : r.claims) {
    out += fmt::format("  [{}] {}\n", c.holds ? "holds" : "FAILS", c.statement);
    for (const std::string& e : c.evidence) out += fmt::format("          {}\n", e);
  }
  return out;
}

}  // namespace altpv::demo
