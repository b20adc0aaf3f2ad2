// SPDX-License-Identifier: MIT
// guest.patching.*: what boot-time patching left in the guest, on every
// machine, judged by oracles the engine does not feed:
//   - the command line: the feature set the guest reports has exactly the
//     MSR features --cpu gave it, a hypervisor, and PV only under --hv pv;
//   - memory: the VMM dumps the guest's text at exit (--dump-text). Every
//     site the guest reported holds the bytes it reported, and every site
//     whose alternatives depend only on what the command line decides holds
//     the form a reference selection over the site table picks for that
//     command line, compared byte for byte in the dump.
// PlanConsistency is what its name says: the guest's decisions equal those
// altpv-inspect's planner makes on the host for the guest's own feature set.
// Both run the same engine, so it shows that the engine decides alike in
// both worlds, not that the decisions are right; the oracles above do that.
#include <gtest/gtest.h>

#include <cstring>
#include <optional>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "abi/abi.h"
#include "alternative_bytes.h"
#include "altpv/msr.h"
#include "altpv/op_ids.h"
#include "boot_plan.h"
#include "conformance.h"
#include "guest_elf.h"
#include "inspected_file.h"
#include "machine_params.h"
#include "machine_run.h"

namespace altpv::testbed::report {

namespace {

const Testbed kTestbed{ALTPV_VMM_PATH, ALTPV_GUEST_PATH};

// One boot per machine and process: `list` stops the guest right after
// patching; altpv.debug has it report every decision.
const MachineRun& patched(const MachineConfig& machine) {
  return once_per_machine(machine, [](const MachineConfig& m) {
    return run_machine(kTestbed, {m,
                                  "boot.report",
                                  {"altpv.debug", "list"},
                                  false,
                                  /*dump_text=*/true});
  });
}

const inspect::InspectedFile& guest_file() {
  static const inspect::InspectedFile file(ALTPV_GUEST_PATH);
  return file;
}

// ---- The reference selection ---------------------------------------------------

// The value the command line gives a feature on `machine`; nullopt for
// features it does not decide (those the host CPU passes through).
std::optional<bool> decided_feature(unsigned bit, const MachineConfig& machine) {
  switch (bit) {
    case ALTPV_FEATURE_WRMSRNS:
      return machine.model.wrmsrns;
    case ALTPV_FEATURE_MSR_IMM:
      return machine.model.msr_imm;
    case ALTPV_FEATURE_HYPERVISOR:
      return true;  // both personalities announce a hypervisor
    case ALTPV_FEATURE_PV:
      return machine.hv == Personality::Pv;
    default:
      return std::nullopt;
  }
}

std::optional<bool> condition_holds(std::uint16_t cond, const MachineConfig& machine) {
  if (cond == ALTPV_COND_ALWAYS) return true;
  const std::optional<bool> value = decided_feature(cond & ~ALTPV_COND_NOT, machine);
  if (!value) return std::nullopt;
  return (cond & ALTPV_COND_NOT) != 0 ? !*value : *value;
}

// What the guest's PV backend makes of a call alternative
// (testbed/guest/pv_backend.cpp, docs/guest.md): variable-index sites and
// MSRs that go to the hypervisor get a call with the site's setup; the MSRs
// with a hand-written stub a bare call; a pass-through MSR no code (the
// native alternatives follow); a dropped write NOPs, or `xor %eax,%eax` for a
// _safe one.
enum class PvCode { Call, BareCall, None, Nops, XorEax };

bool is_msr_write(std::uint16_t op) {
  return op == ALTPV_OP_WRMSR || op == ALTPV_OP_WRMSR_NS || op == ALTPV_OP_WRMSR_SAFE ||
         op == ALTPV_OP_WRMSR_NS_SAFE;
}

PvCode pv_code(const SiteRecord& site) {
  if (!site.has_constant()) return PvCode::Call;
  const std::uint32_t msr = site.constant;
  if (msr == msr::kIa32TscAux.index) return PvCode::None;
  if (pv_drops(msr) && is_msr_write(site.op)) {
    const bool safe = site.op == ALTPV_OP_WRMSR_SAFE || site.op == ALTPV_OP_WRMSR_NS_SAFE;
    return safe ? PvCode::XorEax : PvCode::Nops;
  }
  const bool plain_write = site.op == ALTPV_OP_WRMSR || site.op == ALTPV_OP_WRMSR_NS;
  const bool hand_written =
      (plain_write && (msr == msr::kIa32Pat.index || msr == msr::kIa32KernelGsBase.index ||
                       msr == testbed::kMsr1.index || msr == testbed::kMsr2.index)) ||
      (site.op == ALTPV_OP_RDMSR64 &&
       (msr == msr::kIa32KernelGsBase.index || msr == testbed::kMsr2.index));
  return hand_written ? PvCode::BareCall : PvCode::Call;
}

struct Form {
  std::size_t index = 0;
  const AltRecord* alt = nullptr;  // nullptr: the original
  PvCode code = PvCode::Call;      // for a call alternative
};

// The form `site` must hold on `machine`: the first alternative whose
// condition holds, where a call alternative counts only if the backend has
// code for it (the guest's PV backend, for MSR ops); else the original.
// nullopt when the choice depends on something the command line does not
// decide.
std::optional<Form> implied_form(const SiteRecord& site, const MachineConfig& machine) {
  const auto alts = inspect::alternatives(site);
  for (std::size_t i = 0; i < alts.size(); ++i) {
    const std::optional<bool> holds = condition_holds(alts[i].cond, machine);
    if (!holds) return std::nullopt;
    if (!*holds) continue;
    if (alts[i].kind == AltKind::Bytes) return Form{i, &alts[i]};
    if (machine.hv == Personality::Hvm) continue;  // no backend, no stubs
    if (site.op < ALTPV_OP_WRMSR || site.op > ALTPV_OP_RDMSR64_SAFE) return std::nullopt;
    const PvCode code = pv_code(site);
    if (code == PvCode::None) continue;
    return Form{i, &alts[i], code};
  }
  return Form{};
}

bool holds_form(const SiteRecord& site, const Form& form, std::span<const std::uint8_t> bytes,
                std::uint64_t address) {
  const auto same = [&](std::span<const std::uint8_t> want) {
    return std::equal(bytes.begin(), bytes.end(), want.begin(), want.end());
  };
  if (form.alt == nullptr) {
    const inspect::SiteCopy original = inspect::copy_to_site(site, inspect::original_bytes(site));
    return original.relocation.refusal == Refusal::None && same(original.bytes);
  }
  if (form.alt->kind == AltKind::Bytes) {
    const auto rendered = inspect::rendered_bytes(site, *form.alt);
    return rendered.has_value() && same(*rendered);
  }
  switch (form.code) {
    case PvCode::Call:
      return inspect::call_target(site, *form.alt, bytes, address).has_value();
    case PvCode::BareCall:
      return inspect::call_target(site, *form.alt, bytes, address, SiteCode::Form::BareCall)
          .has_value();
    case PvCode::Nops:
      return same(inspect::nop_fill(site.len));
    case PvCode::XorEax: {
      std::vector<std::uint8_t> want = inspect::nop_fill(site.len - 2);
      want.insert(want.begin(), {0x31, 0xc0});
      return same(want);
    }
    case PvCode::None:
      break;
  }
  return false;
}

// ---- Tests -----------------------------------------------------------------------

class PerMachine : public ::testing::TestWithParam<MachineConfig> {};

TEST_P(PerMachine, FeaturesFollowTheCommandLine) {
  SKIP_WITHOUT_KVM();
  const MachineConfig& m = GetParam();
  const MachineRun& run = patched(m);
  ASSERT_TRUE(run.problems.passed()) << run.problems.describe();
  ASSERT_TRUE(run.guest.patching.has_value()) << run.child.out;
  std::vector<std::string> names;
  for (std::string_view rest = run.guest.patching->features; !rest.empty();) {
    const std::size_t comma = rest.find(',');
    names.emplace_back(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? "" : rest.substr(comma + 1);
  }
  const auto has = [&](const char* name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  EXPECT_EQ(has("wrmsrns"), m.model.wrmsrns) << run.guest.patching->features;
  EXPECT_EQ(has("msr_imm"), m.model.msr_imm) << run.guest.patching->features;
  EXPECT_TRUE(has("hypervisor")) << run.guest.patching->features;
  EXPECT_EQ(has("pv"), m.hv == Personality::Pv) << run.guest.patching->features;
  EXPECT_EQ(run.guest.patching->refused, 0u);
  EXPECT_EQ(run.guest.decisions.size(), run.guest.patching->sites);
}

TEST_P(PerMachine, SitesHoldWhatTheyReported) {
  SKIP_WITHOUT_KVM();
  const MachineRun& run = patched(GetParam());
  ASSERT_TRUE(run.dumped_text.has_value()) << run.problems.describe();
  const CheckResult v = check_decisions_in_memory(run.guest.decisions, *run.dumped_text);
  EXPECT_TRUE(v.passed()) << command_line(run.command) << v.describe();
}

TEST_P(PerMachine, SitesHoldWhatTheCommandLineImplies) {
  SKIP_WITHOUT_KVM();
  const MachineConfig& m = GetParam();
  const MachineRun& run = patched(m);
  ASSERT_TRUE(run.dumped_text.has_value()) << run.problems.describe();
  const inspect::InspectedFile& file = guest_file();
  const SiteTable& table = file.image.table();
  std::size_t decided = 0;
  for (std::size_t i = 0; i < table.size(); ++i) {
    ASSERT_EQ(validate_site(table, i), Refusal::None) << file.site_label(i);
    const SiteRecord& site = table.sites_begin[i];
    const std::optional<Form> form = implied_form(site, m);
    if (!form) continue;
    ++decided;
    const std::uint64_t address = file.site_address(i);
    const auto bytes = code_at(*run.dumped_text, address, site.len);
    ASSERT_TRUE(bytes.has_value()) << file.site_label(i);
    EXPECT_TRUE(holds_form(site, *form, *bytes, address))
        << file.site_label(i) << ": " << m.name() << " implies "
        << (form->alt ? inspect::alternative_label(form->index, *form->alt) : "the original")
        << "; memory holds " << describe_code(*bytes, address, *run.dumped_text);
  }
  // Every MSR site is decided by the command line: a handful would mean
  // the reference selection skipped what it should judge.
  EXPECT_GE(decided, table.size() / 2) << decided << " of " << table.size() << " sites judged";
}

TEST_P(PerMachine, WrmsrNsConstSiteHoldsTheModelsInstruction) {
  SKIP_WITHOUT_KVM();
  const MachineRun& run = patched(GetParam());
  ASSERT_TRUE(run.dumped_text.has_value()) << run.problems.describe();
  const CheckResult v =
      check_wrmsr_ns_const_site(*run.dumped_text, run.guest.decisions, GetParam());
  EXPECT_TRUE(v.passed()) << v.describe();
}

// The privileged ops (altpv/privileged.h): natively every site holds its
// instruction (the original); under pv what the guest's PV backend renders
// (testbed/guest/pv_privileged.h), spelled out here byte for byte from the
// testbed ABI's %gs offsets (0 pending, 1 mask, 8 cr2), or a call to the
// named stub; halt and read_cr3 keep the instruction.
struct PrivilegedForm {
  std::uint16_t op;
  std::vector<std::uint8_t> inline_bytes;  // then, for irq_enable, a call
  const char* stub;                        // the call's target; nullptr: none
};

const std::vector<PrivilegedForm>& pv_privileged_forms() {
  static const std::vector<PrivilegedForm> forms = {
      // movb $1, %gs:1
      {ALTPV_OP_IRQ_DISABLE, {0x65, 0xc6, 0x04, 0x25, 0x01, 0, 0, 0, 0x01}, nullptr},
      // movb $0, %gs:1; testb $0xff, %gs:0; jz +5; call guest_pv_event_check
      {ALTPV_OP_IRQ_ENABLE,
       {0x65, 0xc6, 0x04, 0x25, 0x01, 0, 0, 0,    0x00, 0x65,
        0xf6, 0x04, 0x25, 0,    0,    0, 0, 0xff, 0x74, 0x05},
       "guest_pv_event_check"},
      // movzbl %gs:1, %eax; lea -1(%rax), %eax
      {ALTPV_OP_SAVE_FL, {0x65, 0x0f, 0xb6, 0x04, 0x25, 0x01, 0, 0, 0, 0x8d, 0x40, 0xff}, nullptr},
      // mov %gs:8, %rax
      {ALTPV_OP_READ_CR2, {0x65, 0x48, 0x8b, 0x04, 0x25, 0x08, 0, 0, 0}, nullptr},
      {ALTPV_OP_RESTORE_FL, {}, "guest_pv_restore_fl"},
      {ALTPV_OP_SAFE_HALT, {}, "guest_pv_safe_halt"},
      {ALTPV_OP_WRITE_CR3, {}, "guest_pv_write_cr3"},
      {ALTPV_OP_FLUSH_TLB_ONE, {}, "guest_pv_flush_tlb_one"},
      {ALTPV_OP_WBINVD, {}, "guest_pv_wbinvd"},
      {ALTPV_OP_LAZY_MMU_ENTER, {}, "guest_pv_lazy_mmu_enter"},
      {ALTPV_OP_LAZY_MMU_LEAVE, {}, "guest_pv_lazy_mmu_leave"},
      {ALTPV_OP_SET_PTE, {}, "guest_pv_set_pte"},
  };
  return forms;
}

// Whether `bytes` (a site at `address`) hold `form`: its inline bytes, then a
// call to its stub if it has one, then the engine's NOP fill.
bool holds_privileged_form(const PrivilegedForm& form, std::span<const std::uint8_t> bytes,
                           std::uint64_t address) {
  std::size_t pos = form.inline_bytes.size();
  if (bytes.size() < pos ||
      !std::equal(form.inline_bytes.begin(), form.inline_bytes.end(), bytes.begin())) {
    return false;
  }
  if (form.stub != nullptr) {
    if (bytes.size() < pos + 5 || bytes[pos] != 0xe8) return false;
    std::int32_t rel;
    std::memcpy(&rel, &bytes[pos + 1], sizeof rel);
    pos += 5;
    const std::uint64_t target = address + pos + static_cast<std::int64_t>(rel);
    if (guest_file().symbols.describe(target) != std::string(form.stub) + "+0") return false;
  }
  const std::vector<std::uint8_t> fill = inspect::nop_fill(bytes.size() - pos);
  return std::equal(fill.begin(), fill.end(), bytes.begin() + static_cast<std::ptrdiff_t>(pos));
}

TEST_P(PerMachine, PrivilegedSitesHoldTheirForm) {
  SKIP_WITHOUT_KVM();
  const MachineConfig& m = GetParam();
  const MachineRun& run = patched(m);
  ASSERT_TRUE(run.dumped_text.has_value()) << run.problems.describe();
  const inspect::InspectedFile& file = guest_file();
  const SiteTable& table = file.image.table();
  std::set<std::uint16_t> seen;
  for (std::size_t i = 0; i < table.size(); ++i) {
    const SiteRecord& site = table.sites_begin[i];
    if (site.op < ALTPV_OP_IRQ_DISABLE || site.op > ALTPV_OP_SET_PTE) continue;
    seen.insert(site.op);
    const std::uint64_t address = file.site_address(i);
    const auto bytes = code_at(*run.dumped_text, address, site.len);
    ASSERT_TRUE(bytes.has_value()) << file.site_label(i);
    const auto& forms = pv_privileged_forms();
    const auto form = std::find_if(forms.begin(), forms.end(),
                                   [&](const PrivilegedForm& f) { return f.op == site.op; });
    const bool native = m.hv == Personality::Hvm || form == forms.end();
    EXPECT_TRUE(native ? holds_form(site, Form{}, *bytes, address)
                       : holds_privileged_form(*form, *bytes, address))
        << file.site_label(i) << ": " << m.name() << " wants "
        << (native ? "the instruction" : "the PV form") << "; memory holds "
        << describe_code(*bytes, address, *run.dumped_text);
  }
  // Every op has a site in the guest (the tests and the figures).
  EXPECT_EQ(seen.size(), std::size_t{ALTPV_OP_SET_PTE - ALTPV_OP_IRQ_DISABLE + 1});
}

INSTANTIATE_TEST_SUITE_P(Testbed, PerMachine, ::testing::ValuesIn(all_machines()),
                         [](const auto& info) { return test_name(info.param.name()); });

// Without a backend on the host, only machines without one compare.
class PlanConsistency : public ::testing::TestWithParam<MachineConfig> {};

TEST_P(PlanConsistency, GuestAndHostPlannerAgree) {
  SKIP_WITHOUT_KVM();
  const MachineRun& run = patched(GetParam());
  ASSERT_TRUE(run.problems.passed()) << run.problems.describe();
  ASSERT_TRUE(run.guest.patching.has_value());
  const std::string& features = run.guest.patching->features;
  const OverrideResult set = apply_overrides(FeatureSet{}, features);
  ASSERT_TRUE(set.ok) << features;
  std::vector<DecisionRecord> host;
  for (const Decision& d : inspect::plan_boot(guest_file().image, set.features, nullptr)) {
    host.push_back(decision_record(d));
  }
  ASSERT_FALSE(run.guest.decisions.empty());
  ASSERT_EQ(run.guest.decisions.size(), host.size());
  for (std::size_t i = 0; i < host.size(); ++i) {
    const DecisionRecord& g = run.guest.decisions[i];
    EXPECT_EQ(g, host[i]) << fmt::format(
        "site {} @{:#x}: guest {} ({}), host {} ({}), features '{}'", g.index, g.address,
        g.choice(), g.verdict, host[i].choice(), host[i].verdict, features);
  }
}

std::vector<MachineConfig> hvm_machines() {
  std::vector<MachineConfig> out;
  for (const MachineConfig& m : all_machines()) {
    if (m.hv == Personality::Hvm) out.push_back(m);
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Testbed, PlanConsistency, ::testing::ValuesIn(hvm_machines()),
                         [](const auto& info) { return test_name(info.param.name()); });

}  // namespace
}  // namespace altpv::testbed::report
