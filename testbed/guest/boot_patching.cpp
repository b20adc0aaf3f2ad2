// SPDX-License-Identifier: MIT
#include "boot_patching.h"

#include "altpv/engine/report.h"
#include "altpv/engine/site_records.h"
#include "altpv/engine/text_writer.h"
#include "altpv/linked_site_table.h"
#include "console.h"
#include "cpu_model.h"
#include "panic.h"
#include "pv_backend.h"
#include "pv_signature.h"

// The patchable code range, from guest.ld (which also bounds the tables).
extern "C" const char __text_start[], __text_end[];

namespace guest {
namespace {

using namespace altpv;

constinit BootPatching state = {};
constinit std::uint32_t scratch[kMaxPatchSites] = {};

// Keeps each decision for the tests and prints it: always when the site was
// refused (the original stays, slower but correct, and someone should know),
// every decision under altpv.debug.
class Recorder final : public DecisionObserver {
 public:
  explicit Recorder(bool verbose) : verbose_(verbose) {}

  void on_decision(const Decision& d) override {
    if (state.outcome_count < kMaxPatchSites) {
      state.outcomes[state.outcome_count++] = {d.address, d.chosen, d.verdict, d.refusal};
    }
    if (verbose_ || d.verdict == Verdict::Refused) {
      char buf[Line::kCapacity];
      format_decision(d, nullptr, buf, sizeof buf);
      Line().out().str(buf);
    }
  }

 private:
  bool verbose_;
};

FeatureSet boot_features(const Cmdline& cmdline) {
  FeatureSet features = detect_model_features();
  // The synthetic PV bit: set when the testbed announces its PV interface;
  // patch_at_boot then hands the engine the PV backend (pv_backend.h).
  if (testbed_pv_present(features)) features.set(Feature::Pv);
  const Cmdline::Value overrides = cmdline.value("altpv.features");
  if (!overrides.found) return features;
  const OverrideResult result = apply_overrides(features, overrides.value);
  if (!result.ok) {
    char buf[256];
    TextBuffer msg(buf, sizeof buf);
    msg.str("altpv.features=: ");
    char why[200];
    format_override_error(overrides.value, why, sizeof why);
    panic(msg.str(why).view());
  }
  return result.features;
}

}  // namespace

void patch_at_boot(const Cmdline& cmdline) {
  state.features = boot_features(cmdline);
  const bool debug = cmdline.has_flag("altpv.debug");
  if (debug) {
    char buf[256];
    format_features(state.features, buf, sizeof buf);
    Line().out().str("altpv: features ").str(buf);
  }

  const SiteTable table = linked_site_table(reinterpret_cast<std::uintptr_t>(__text_start),
                                            reinterpret_cast<std::uintptr_t>(__text_end));
  const Backend* backend = state.features.has(Feature::Pv) ? &pv_backend() : nullptr;
  BootTextWriter writer;
  Recorder recorder(debug);
  state.stats = apply(table, state.features, backend, writer, scratch, &recorder);
  if (state.stats.table_rejected) {
    char buf[128];
    TextBuffer msg(buf, sizeof buf);
    msg.str("altpv: ")
        .dec(table.size())
        .str(" patch sites, more than kMaxPatchSites (")
        .dec(kMaxPatchSites)
        .str(")");
    panic(msg.view());
  }
  Line()
      .out()
      .str("altpv: ")
      .dec(state.stats.sites)
      .str(" sites: ")
      .dec(state.stats.patched)
      .str(" patched, ")
      .dec(state.stats.unchanged)
      .str(" unchanged, ")
      .dec(state.stats.refused)
      .str(" refused");
}

const BootPatching& boot_patching() {
  return state;
}

}  // namespace guest
