// SPDX-License-Identifier: MIT
#include "qemu_checks.h"

#include <algorithm>
#include <exception>

#include <fmt/format.h>

#include "alternative_bytes.h"
#include "altpv/feature_bits.h"
#include "boot_plan.h"

namespace altpv::testbed::report {

namespace {

using E = CaseExpectation;

// The altpv features QEMU models, by QEMU's property name.
struct FeatureProp {
  altpv::Feature feature;
  const char* prop;
};
constexpr FeatureProp kFeatureProps[] = {
    {altpv::Feature::Wrmsrns, "wrmsrns"},     {altpv::Feature::MsrImm, "msr-imm"},
    {altpv::Feature::Serialize, "serialize"}, {altpv::Feature::Rdpid, "rdpid"},
    {altpv::Feature::Fsgsbase, "fsgsbase"},   {altpv::Feature::Hypervisor, "hypervisor"},
    {altpv::Feature::Rdtscp, "rdtscp"},
};

E expectation(const PvhCase& c, std::string_view accel) {
  return accel == "kvm" ? c.kvm : c.tcg;
}

std::string run_word(std::string_view accel) {
  std::string word = "run=";
  for (const PvhCase& c : pvh_cases()) {
    if (expectation(c, accel) == E::NotRun) continue;
    word += std::string(c.name) + ",";
  }
  word.pop_back();
  return word;
}

// "expect.features=-wrmsrns,+hypervisor,-pv": what patch.decisions must see.
std::string expect_features_word(altpv::FeatureSet f) {
  const auto sign = [&](altpv::Feature x) { return f.has(x) ? "+" : "-"; };
  return fmt::format("expect.features={}wrmsrns,{}hypervisor,-pv", sign(altpv::Feature::Wrmsrns),
                     sign(altpv::Feature::Hypervisor));
}

CheckResult check_cases(ModelBoot& boot) {
  CheckResult r;
  for (const PvhCase& c : pvh_cases()) {
    const E want = expectation(c, boot.accel);
    const auto rec = std::find_if(boot.run.guest.tests.begin(), boot.run.guest.tests.end(),
                                  [&](const TestRecord& t) { return t.name == c.name; });
    if (want == E::NotRun) {
      ++boot.skipped;
      boot.skips.push_back(fmt::format("{}: not run: {}", c.name, kKvmInt3Reason));
      if (rec != boot.run.guest.tests.end())
        r.fail(fmt::format("{} ran but was not selected", c.name));
      continue;
    }
    if (rec == boot.run.guest.tests.end()) {
      r.fail(fmt::format("{}: no verdict (the guest never reported it)", c.name));
      continue;
    }
    if (rec->verdict == "pass") ++boot.passed;
    if (rec->verdict == "skip") {
      ++boot.skipped;
      boot.skips.push_back(fmt::format("{}: {}", c.name, rec->message));
    }
    const char* want_name = want == E::Pass ? "pass" : "skip";
    if (rec->verdict != want_name) {
      r.fail(fmt::format("{}: {}{}{}, want {}", c.name, rec->verdict,
                         rec->message.empty() ? "" : ": ", rec->message, want_name));
    } else if (want == E::Skip && rec->message.empty()) {
      r.fail(fmt::format("{}: skipped without a reason", c.name));
    }
  }
  return r;
}

// Written out here rather than the engine's condition_holds, so that the
// reference shares no code with what it judges.
bool reference_condition(std::uint16_t cond, altpv::FeatureSet f) {
  if (cond == ALTPV_COND_ALWAYS) return true;
  const bool value = f.has_bit(cond & ~ALTPV_COND_NOT);
  return (cond & ALTPV_COND_NOT) != 0 ? !value : value;
}

// The reference selection: the first alternative whose condition holds;
// call alternatives need a backend, which no PVH boot passes. nullopt: the
// original.
std::optional<std::size_t> reference_choice(const SiteRecord& site, altpv::FeatureSet f) {
  const auto alts = inspect::alternatives(site);
  for (std::size_t i = 0; i < alts.size(); ++i) {
    if (alts[i].kind != AltKind::Bytes) continue;
    if (reference_condition(alts[i].cond, f)) return i;
  }
  return std::nullopt;
}

}  // namespace

const std::vector<PvhCase>& pvh_cases() {
  static const std::vector<PvhCase> cases = {
      {"boot.pvh", E::Pass, E::Pass},
      {"pvh.start_info_checks", E::Pass, E::Pass},
      {"boot.report", E::Skip, E::Skip},  // the testbed's boot block
      {"cpu.ops", E::Pass, E::Pass},
      {"emulation.wrmsrns", E::Skip, E::Skip},
      {"exception.breakpoint", E::Pass, E::NotRun},
      {"exception.fixup", E::Pass, E::Pass},
      {"exception.handlers", E::Pass, E::Pass},
      {"figures.msr", E::Skip, E::Skip},
      {"msr.native_values", E::Pass, E::Pass},
      {"msr.registers", E::Skip, E::Skip},
      {"msr.safe", E::Skip, E::Pass},  // TCG raises no #GP for an MSR it lacks
      {"msr.stub_registers", E::Skip, E::Skip},
      {"msr.workload", E::Skip, E::Skip},
      {"patch.decisions", E::Pass, E::Pass},
      {"priv.flags", E::Pass, E::Pass},  // the irq and flags ops on a CPU we did not write
      {"priv.mmu", E::Pass, E::Pass},    // set_pte, flushes and write_cr3 on a real MMU model
      {"pv.cpuid_op", E::Skip, E::Skip},
      {"runner.glob", E::Pass, E::Pass},
      {"smp.start", E::Skip, E::Skip},  // APs need INIT/SIPI, which the guest lacks
  };
  return cases;
}

altpv::FeatureSet features_from_qemu(const std::map<std::string, bool>& props) {
  altpv::FeatureSet f;
  for (const FeatureProp& p : kFeatureProps) {
    const auto it = props.find(p.prop);
    if (it != props.end() && it->second) f.set(p.feature);
  }
  return f;
}

std::string feature_names(altpv::FeatureSet features) {
  char buf[256];
  altpv::format_features(features, buf, sizeof buf);
  return buf;
}

CheckResult check_plan(const std::vector<DecisionRecord>& decisions,
                       const inspect::InspectedFile& guest_file, altpv::FeatureSet features) {
  CheckResult r;
  std::vector<DecisionRecord> host;
  for (const Decision& d : inspect::plan_boot(guest_file.image, features, nullptr)) {
    host.push_back(decision_record(d));
  }
  if (decisions.size() != host.size()) {
    r.fail(fmt::format("the guest reported {} decisions, the host planner made {}",
                       decisions.size(), host.size()));
    return r;
  }
  for (std::size_t i = 0; i < host.size(); ++i) {
    const DecisionRecord& g = decisions[i];
    if (g == host[i]) continue;
    r.fail(fmt::format("site {} @{:#x}: guest {} ({}), altpv-inspect plan {} ({})", g.index,
                       g.address, g.choice(), g.verdict, host[i].choice(), host[i].verdict));
  }
  return r;
}

CheckResult check_differential(const ModelBoot& a, const ModelBoot& b,
                               const inspect::InspectedFile& guest_file) {
  CheckResult r;
  if (!a.guest_features || !b.guest_features) {
    r.fail("a boot has no feature set to compare");
    return r;
  }
  const std::vector<DecisionRecord>& da = a.run.guest.decisions;
  const std::vector<DecisionRecord>& db = b.run.guest.decisions;
  const SiteTable& table = guest_file.image.table();
  if (da.size() != db.size() || da.size() != table.size()) {
    r.fail(fmt::format("decision counts differ: {} {}, {} {}, {} sites in the ELF", a.model,
                       da.size(), b.model, db.size(), table.size()));
    return r;
  }
  for (std::size_t i = 0; i < da.size(); ++i) {
    if (da[i].index != db[i].index || da[i].index >= table.size()) {
      r.fail(fmt::format("decision {} is for different sites", i));
      continue;
    }
    const SiteRecord& site = table.sites_begin[da[i].index];
    const bool differ = da[i].chosen != db[i].chosen;
    const bool should =
        reference_choice(site, *a.guest_features) != reference_choice(site, *b.guest_features);
    if (differ != should) {
      r.fail(fmt::format("{}: {} chose {}, {} chose {}; their features ({} | {}) {}",
                         guest_file.site_label(da[i].index), a.model, da[i].choice(), b.model,
                         db[i].choice(), feature_names(*a.guest_features),
                         feature_names(*b.guest_features),
                         should ? "call for different choices" : "call for the same choice"));
    }
  }
  return r;
}

void check_kvm_models(std::vector<ModelBoot>& boots) {
  bool alike = true;
  for (const ModelBoot& b : boots) {
    alike = alike && b.guest_features && boots.front().guest_features &&
            b.guest_features->bits() == boots.front().guest_features->bits();
  }
  for (ModelBoot& b : boots) {
    if (b.model_mismatch.empty()) continue;
    if (alike && boots.size() > 1) {
      b.skips.push_back("CPU model check: " + b.model_mismatch +
                        "; every model of this run read the same, so this KVM answers CPUID "
                        "itself (kvm_pvm: leaves 1 and 7 from the host)");
    } else {
      b.verdict.fail(b.model_mismatch);
    }
  }
}

std::string decisions_summary(const std::vector<DecisionRecord>& decisions) {
  std::map<std::string, unsigned> by_condition;
  unsigned patched = 0;
  for (const DecisionRecord& d : decisions) {
    if (d.verdict != "patched") continue;
    ++patched;
    ++by_condition[d.condition];
  }
  std::string out = fmt::format("{}/{} patched", patched, decisions.size());
  const char* sep = ": ";
  for (const auto& [cond, n] : by_condition) {
    out += fmt::format("{}{} {}", sep, cond, n);
    sep = ", ";
  }
  return out;
}

ModelBoot boot_model(const BootRequest& req, const inspect::InspectedFile& guest_file) {
  ModelBoot boot;
  boot.model = req.model;
  boot.accel = req.accel;
  std::map<std::string, bool> props;
  try {
    props = qemu_model_features(req.qemu, req.model, req.accel);
  } catch (const std::exception& e) {
    boot.verdict.fail(e.what());
    return boot;
  }
  // What patch.decisions must see needs only WRMSRNS and the hypervisor bit,
  // which no accelerator filters here; the full comparison below uses the
  // boot's own filter list.
  boot.qemu_features = features_from_qemu(props);
  QemuInvocation inv;
  inv.cpu = req.model;
  inv.accel = req.accel;
  inv.timeout_seconds = req.timeout_seconds;
  inv.guest_words = {"altpv.debug", fmt::format("expect.ram_mib={}", inv.memory_mib),
                     expect_features_word(boot.qemu_features), run_word(req.accel)};
  boot.run = run_qemu(req.qemu, req.guest, inv);
  for (const std::string& name : boot.run.filtered_features) props.erase(name);
  boot.qemu_features = features_from_qemu(props);
  CheckResult& v = boot.verdict;
  v.merge(boot.run.problems);
  if (boot.run.guest_exit_code && *boot.run.guest_exit_code != 0) {
    v.fail(fmt::format("the guest exited {} (1: a case failed, 2: a panic)",
                       *boot.run.guest_exit_code));
  }
  if (!boot.run.guest.patching) {
    v.fail("no patching record");
  } else {
    const OverrideResult set = apply_overrides(FeatureSet{}, boot.run.guest.patching->features);
    if (!set.ok) {
      v.fail("the patching record's features do not parse: " + boot.run.guest.patching->features);
    } else {
      boot.guest_features = set.features;
      if (set.features.bits() != boot.qemu_features.bits()) {
        boot.model_mismatch =
            fmt::format("the guest read features '{}' from CPUID; QEMU's expansion of {} has '{}'",
                        feature_names(set.features), req.model, feature_names(boot.qemu_features));
        if (req.accel != "kvm") v.fail(boot.model_mismatch);
      }
      v.merge(check_plan(boot.run.guest.decisions, guest_file, set.features), "plan: ");
    }
    if (boot.run.guest.patching->refused != 0) {
      v.fail(fmt::format("{} sites refused", boot.run.guest.patching->refused));
    }
  }
  v.merge(check_cases(boot));
  return boot;
}

}  // namespace altpv::testbed::report
