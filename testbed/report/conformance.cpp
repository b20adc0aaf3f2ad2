// SPDX-License-Identifier: MIT
#include "conformance.h"

#include <algorithm>
#include <array>
#include <map>

#include <fmt/format.h>

#include "abi/abi.h"
#include "altpv/msr.h"
#include "disassembler.h"
#include "guest_elf.h"

namespace altpv::testbed::report {
namespace {

// Forms that are always the serialising WRMSR natively.
constexpr std::array<std::string_view, 4> kSerialising = {"wrmsr", "wrmsr_const", "wrmsr_lohi",
                                                          "wrmsr_safe"};
// wrmsr_ns with the index in ecx: WRMSRNS or CS WRMSR, never the imm form.
constexpr std::string_view kNsVariable = "wrmsr_ns";
// wrmsr_ns with a constant index: WRMSRNS imm, WRMSRNS, or CS WRMSR.
constexpr std::array<std::string_view, 2> kNsConstant = {"wrmsr_ns_const", "wrmsr_ns_safe_const"};

bool contains(const auto& list, std::string_view op) {
  return std::find(list.begin(), list.end(), op) != list.end();
}

// The guest's PV policy (testbed/guest/pv_backend.cpp, docs/guest.md).
WritePath pv_path(std::uint32_t msr) {
  if (pv_drops(msr)) return WritePath::Dropped;
  if (msr == msr::kIa32TscAux.index) return WritePath::Trap;  // pass-through
  return WritePath::Hypercall;
}

WritePath native_path(std::string_view op, const CpuModelSpec& model) {
  if (op == kNsVariable) return model.wrmsrns ? WritePath::EmulatedInsn : WritePath::Trap;
  if (contains(kNsConstant, op)) {
    return model.wrmsrns || model.msr_imm ? WritePath::EmulatedInsn : WritePath::Trap;
  }
  return WritePath::Trap;
}

std::string describe(std::uint32_t msr, std::uint64_t value) {
  return fmt::format("{:#x} <- {:#x}", msr, value);
}

std::vector<ExpectedWrite> reaching_vmm(const MachineConfig& machine,
                                        const std::vector<ExpectedWrite>& expected) {
  std::vector<ExpectedWrite> kept;
  for (const ExpectedWrite& w : expected) {
    if (expected_path(w, machine) != WritePath::Dropped) kept.push_back(w);
  }
  return kept;
}

// What the constant-index wrmsr_ns site must hold on a machine: the
// instruction (recognised in the decoded text) and the engine's choice.
struct SiteExpectation {
  const char* condition;  // the chosen alternative's; nullptr: the original
  const char* kind;
  const char* what;
  bool (*holds)(const inspect::Instruction& insn, const inspect::ElfFile& elf);
};

SiteExpectation site_expectation(const MachineConfig& machine) {
  if (machine.hv == Personality::Pv) {
    // The site's MSR goes to the hypervisor through the guest backend's
    // generic stub (its hand-written ones serve other MSRs).
    return {"pv", "call", "a call to a native-ABI MSR stub",
            [](const inspect::Instruction& i, const inspect::ElfFile& elf) {
              return i.text.starts_with("call") && i.branch_target &&
                     elf.symbols().describe(*i.branch_target).starts_with("guest_pv_stub_write");
            }};
  }
  if (machine.model.msr_imm) {
    return {"msr_imm", "bytes", "WRMSRNS imm32,%rax (c4 e7 7a f6 c0 imm32)",
            [](const inspect::Instruction& i, const inspect::ElfFile&) {
              return i.text.starts_with("wrmsrns $");
            }};
  }
  if (machine.model.wrmsrns) {
    return {
        "wrmsrns", "bytes", "WRMSRNS (0f 01 c6)",
        [](const inspect::Instruction& i, const inspect::ElfFile&) { return i.text == "wrmsrns"; }};
  }
  return {
      nullptr, "", "the original CS-prefixed WRMSR (2e 0f 30)",
      [](const inspect::Instruction& i, const inspect::ElfFile&) { return i.text == "cs wrmsr"; }};
}

// An instruction that performs the write or hands it to someone who does.
bool writes_msr(const inspect::Instruction& insn) {
  return insn.text.find("wrmsr") != std::string::npos || insn.text.starts_with("call");
}

}  // namespace

std::string_view path_name(WritePath path) {
  switch (path) {
    case WritePath::Trap:
      return "trap";
    case WritePath::EmulatedInsn:
      return "emulated-insn";
    case WritePath::Hypercall:
      return "hypercall";
    case WritePath::Dropped:
      break;
  }
  return "dropped";
}

bool known_write_op(std::string_view op) {
  return contains(kSerialising, op) || op == kNsVariable || contains(kNsConstant, op);
}

bool pv_drops(std::uint32_t msr) {
  return msr == testbed::kMsr3.index;
}

WritePath expected_path(const ExpectedWrite& write, const MachineConfig& machine) {
  if (machine.hv == Personality::Pv) return pv_path(write.msr);
  return native_path(write.op, machine.model);
}

CheckResult check_writes(const MachineConfig& machine, const std::vector<ExpectedWrite>& expected,
                         const std::vector<LoggedMsrAccess>& log) {
  CheckResult v;
  for (const ExpectedWrite& w : expected) {
    if (!known_write_op(w.op))
      v.fail("the guest announced a write by an unknown form '" + w.op + "'");
  }
  if (!v.passed()) return v;
  const std::vector<ExpectedWrite> want = reaching_vmm(machine, expected);
  const std::vector<LoggedMsrAccess> got = writes_of(log);
  if (want.empty()) v.fail("the guest announced no writes (no expected_write records)");
  for (std::size_t i = 0; i < std::max(want.size(), got.size()); ++i) {
    if (i >= got.size()) {
      v.fail(fmt::format("write #{} missing from the VMM log: {} {}", i, want[i].op,
                         describe(want[i].msr, want[i].value)));
      break;  // the rest would repeat the same news
    }
    if (i >= want.size()) {
      v.fail(fmt::format("write #{} unannounced: {} via {}", i, describe(got[i].msr, got[i].value),
                         got[i].path));
      break;
    }
    if (got[i].msr != want[i].msr || got[i].value != want[i].value) {
      v.fail(fmt::format("write #{}: guest announced {} {}, VMM logged {}", i, want[i].op,
                         describe(want[i].msr, want[i].value), describe(got[i].msr, got[i].value)));
      break;  // out of step: later comparisons mean nothing
    }
    const std::string_view path = path_name(expected_path(want[i], machine));
    if (got[i].path != path) {
      v.fail(fmt::format("write #{} {} {}: arrived as {}, {} implies {}", i, want[i].op,
                         describe(want[i].msr, want[i].value), got[i].path, machine.name(), path));
    }
  }
  return v;
}

CheckResult check_final_bank(const MachineConfig& machine,
                             const std::vector<ExpectedWrite>& expected, const VmmResult& result) {
  std::map<std::uint32_t, std::uint64_t> last;
  for (const ExpectedWrite& w : reaching_vmm(machine, expected)) last[w.msr] = w.value;
  CheckResult v;
  for (const auto& [msr, value] : last) {
    const auto it = result.msrs.find(msr);
    if (it == result.msrs.end()) {
      v.fail(fmt::format("final bank lacks {:#x} (last write {:#x})", msr, value));
    } else if (it->second != value) {
      v.fail(fmt::format("final bank {}, last write was {:#x}", describe(msr, it->second), value));
    }
  }
  return v;
}

CheckResult check_guest_passed(const VmmResult& result, const std::vector<std::string>& tests) {
  CheckResult v;
  for (const std::string& name : tests) {
    const GuestTest* t = result.find_test(name);
    if (t == nullptr) {
      v.fail("guest test " + name + " did not run");
    } else if (t->status != "pass") {
      v.fail("guest test " + name + ": " + t->status + (t->message.empty() ? "" : ": ") +
             t->message);
    }
  }
  if (!result.guest_passed()) {
    v.fail(fmt::format("guest verdict: VMM exit {} ({}): {}", result.exit_code, result.exit_reason,
                       result.message));
  }
  return v;
}

CheckResult check_untouched(const std::vector<LoggedMsrAccess>& log, std::uint32_t msr) {
  CheckResult v;
  for (const LoggedMsrAccess& a : log) {
    if (a.msr == msr) {
      v.fail(fmt::format("the VMM logged a {} of {} via {}", a.write ? "write" : "read",
                         describe(a.msr, a.value), a.path));
    }
  }
  return v;
}

CheckResult check_differential(const std::vector<LoggedMsrAccess>& hvm_log,
                               const std::vector<LoggedMsrAccess>& pv_log) {
  std::vector<LoggedMsrAccess> hvm;
  for (const LoggedMsrAccess& w : writes_of(hvm_log)) {
    if (!pv_drops(w.msr)) hvm.push_back(w);
  }
  const std::vector<LoggedMsrAccess> pv = writes_of(pv_log);
  CheckResult v;
  if (hvm.empty()) v.fail("no writes under hvm to compare");
  for (std::size_t i = 0; i < std::max(hvm.size(), pv.size()); ++i) {
    if (i >= hvm.size() || i >= pv.size()) {
      v.fail(
          fmt::format("hvm wrote {} MSRs (less pv's drops), pv wrote {}", hvm.size(), pv.size()));
      break;
    }
    if (hvm[i].msr != pv[i].msr || hvm[i].value != pv[i].value) {
      v.fail(fmt::format("write #{}: hvm {}, pv {}", i, describe(hvm[i].msr, hvm[i].value),
                         describe(pv[i].msr, pv[i].value)));
      break;
    }
  }
  return v;
}

CheckResult check_decisions_in_memory(const std::vector<DecisionRecord>& decisions,
                                      const inspect::ElfFile& dumped_text) {
  CheckResult v;
  if (decisions.empty()) v.fail("the guest reported no decisions (run with altpv.debug?)");
  for (const DecisionRecord& d : decisions) {
    if (d.refused()) continue;
    const auto held = code_at(dumped_text, d.address, d.len);
    if (!held) {
      v.fail(fmt::format("site {} @{:#x}: not inside the dumped text", d.index, d.address));
    } else if (!std::equal(held->begin(), held->end(), d.new_bytes.begin(), d.new_bytes.end())) {
      v.fail(fmt::format("site {} @{:#x}: reported {} as '{}', memory holds '{}'", d.index,
                         d.address, d.verdict, inspect::hex_bytes(d.new_bytes),
                         inspect::hex_bytes(*held)));
    }
  }
  return v;
}

CheckResult check_wrmsr_ns_const_site(const inspect::ElfFile& dumped_text,
                                      const std::vector<DecisionRecord>& decisions,
                                      const MachineConfig& machine) {
  CheckResult v;
  const SiteExpectation e = site_expectation(machine);
  // Memory first: the function as the guest ran it, decoded here.
  const hosted::Symbol& fn = find_function(dumped_text, kWrmsrNsConstFunction);
  const auto code = code_at(dumped_text, fn.address, fn.size);
  if (!code) {
    v.fail(std::string(kWrmsrNsConstFunction) + " is not inside the dumped text");
    return v;
  }
  const inspect::Disassembly insns = inspect::disassemble(*code, fn.address);
  std::vector<const inspect::Instruction*> writes;
  for (const inspect::Instruction& insn : insns.instructions) {
    if (writes_msr(insn)) writes.push_back(&insn);
  }
  if (!insns.complete() || writes.size() != 1 || !e.holds(*writes[0], dumped_text)) {
    v.fail(fmt::format("{} implies {}; in memory {} holds: {}", machine.name(), e.what,
                       kWrmsrNsConstFunction, describe_code(*code, fn.address, dumped_text)));
  }
  // Then the engine's account of the same site.
  const DecisionRecord* d = decision_in(decisions, dumped_text, kWrmsrNsConstFunction);
  if (d == nullptr) {
    v.fail("no single decision record for the site in " + std::string(kWrmsrNsConstFunction) +
           " (run with altpv.debug?)");
    return v;
  }
  const bool chosen = e.condition == nullptr
                          ? !d->chosen.has_value()
                          : d->chosen && d->condition == e.condition && d->kind == e.kind;
  if (!chosen || d->refused()) {
    v.fail(fmt::format("{} implies {}; the engine reported {} ({})", machine.name(), e.what,
                       d->choice(), d->verdict));
  }
  return v;
}

WorkloadBoot boot_workload(const Testbed& testbed, const MachineConfig& machine) {
  WorkloadBoot boot{
      machine, run_machine(testbed, {machine, "msr.workload", {"altpv.debug"}, false, true}), {}};
  const MachineRun& run = boot.run;
  boot.verdict.merge(run.problems);
  boot.verdict.merge(check_guest_passed(run.result, {"msr.workload"}));
  boot.verdict.merge(check_writes(machine, run.guest.expected_writes, run.msr_log));
  boot.verdict.merge(check_final_bank(machine, run.guest.expected_writes, run.result));
  if (run.dumped_text) {
    boot.verdict.merge(check_decisions_in_memory(run.guest.decisions, *run.dumped_text));
  }
  return boot;
}

}  // namespace altpv::testbed::report
