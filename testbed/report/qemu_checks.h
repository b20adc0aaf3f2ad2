// SPDX-License-Identifier: MIT
// What a PVH boot of altpv-guest on a QEMU CPU model must show
// (docs/qemu.md), and the checks. The expectations come from outside the
// guest: each case's verdict from the table below, the features from QEMU's
// own expansion of the model, the decisions from altpv-inspect's planner on
// the host and, across models, from a reference selection over the site
// table (first alternative whose condition the model's features make true).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "altpv/features.h"
#include "inspected_file.h"
#include "qemu_run.h"

namespace altpv::testbed::report {

// ---- The cases -------------------------------------------------------------

enum class CaseExpectation {
  Pass,
  Skip,    // the guest skips it, with a reason (what the platform lacks)
  NotRun,  // not selected: the run would stop QEMU itself (reason below)
};

struct PvhCase {
  std::string_view name;
  CaseExpectation tcg;
  CaseExpectation kvm;
};

// Every case a PVH boot selects, with what each accelerator must give.
const std::vector<PvhCase>& pvh_cases();

// Why exception.breakpoint is not run under KVM.
inline constexpr std::string_view kKvmInt3Reason =
    "INT3 under some nested KVMs (kvm_pvm) ends in a KVM emulation failure, which stops QEMU "
    "(altpv-vmm injects #BP itself there)";

// ---- Features ------------------------------------------------------------

// The altpv features of a model, from QEMU's expansion props ("rdtscp").
// Never pv: that is the testbed's synthetic bit.
altpv::FeatureSet features_from_qemu(const std::map<std::string, bool>& props);

// "fsgsbase,hypervisor,rdtscp", as altpv::format_features writes it.
std::string feature_names(altpv::FeatureSet features);

// ---- One boot --------------------------------------------------------------

struct ModelBoot {
  std::string model;
  std::string accel;
  // QEMU's expansion of the model, minus what the boot's QEMU said the
  // accelerator filtered out.
  altpv::FeatureSet qemu_features;
  std::optional<altpv::FeatureSet> guest_features;  // the guest's `patching` record
  QemuRun run;
  unsigned passed = 0;
  unsigned skipped = 0;
  std::vector<std::string> skips;  // "case: reason", also the cases not run
  // The guest's features differ from QEMU's model. A failure under TCG;
  // under KVM check_kvm_models() decides (some KVMs answer CPUID leaves
  // themselves, whatever model QEMU sets).
  std::string model_mismatch;
  CheckResult verdict;
};

struct BootRequest {
  std::string qemu;
  std::string guest;
  std::string model;
  std::string accel;
  int timeout_seconds = 60;
};

// Boots the model with altpv.debug and the cases of pvh_cases(), and checks:
// QEMU ended through the guest's exit 0; the guest's features equal QEMU's
// expansion; every case has the verdict its row wants; the decisions equal
// altpv-inspect's plan for the guest's own feature set. Never throws for
// what the guest or QEMU did; those are failures in `verdict`.
ModelBoot boot_model(const BootRequest& request, const inspect::InspectedFile& guest_file);

// The decisions equal plan_boot() on `guest_file` for `features`, site by
// site.
CheckResult check_plan(const std::vector<DecisionRecord>& decisions,
                       const inspect::InspectedFile& guest_file, altpv::FeatureSet features);

// Two boots' decisions differ at exactly the sites where the reference
// selection differs for their two feature sets.
CheckResult check_differential(const ModelBoot& a, const ModelBoot& b,
                               const inspect::InspectedFile& guest_file);

// Under KVM, a guest whose features differ from its model is reported, not
// failed, when every boot of the run read the same features: the KVM then
// ignored the models' CPUID (kvm_pvm answers leaves 1 and 7 from the host),
// which no guest can help. Adds the note to each such boot's skips; fails
// the boots otherwise.
void check_kvm_models(std::vector<ModelBoot>& boots);

// "6/113 patched: fsgsbase 3, rdtscp 2, hypervisor 1" (by the chosen
// alternative's condition).
std::string decisions_summary(const std::vector<DecisionRecord>& decisions);

}  // namespace altpv::testbed::report
