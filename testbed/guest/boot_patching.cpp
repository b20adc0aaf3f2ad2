// SPDX-License-Identifier: MIT
#include "boot_patching.h"

#include "altpv/engine/report.h"
#include "altpv/engine/site_records.h"
#include "altpv/engine/text_writer.h"
#include "altpv/linked_site_table.h"
#include "console.h"
#include "panic.h"
#include "platform.h"
#include "pv_backend.h"

// The patchable code range, from guest.ld (which also bounds the tables).
extern "C" const char __text_start[], __text_end[];

namespace altpv::guest {
namespace {

using namespace altpv;

constinit BootPatching state = {};
constinit std::uint32_t scratch[kMaxPatchSites] = {};

// A `decision` record (docs/testbed.md): the engine's Decision, field for
// field, with the names its own report uses.
void write_decision(const Decision& d) {
  JsonLine line("decision");
  JsonObject& out = line.out();
  out.num("index", d.index).hex("address", d.address).num("op", d.op);
  if (d.has_constant) {
    out.hex("constant", d.constant);
  } else {
    out.null("constant");
  }
  out.num("len", d.len);
  if (d.chosen == kOriginal) {
    out.null("chosen").null("condition").null("kind");
  } else {
    char cond[32];
    format_condition(d.cond, cond, sizeof cond);
    out.num("chosen", static_cast<std::uint64_t>(d.chosen))
        .str("condition", cond)
        .str("kind", alt_kind_name(d.kind));
  }
  out.str("verdict", verdict_name(d.verdict));
  if (d.refusal == Refusal::None) {
    out.null("refusal");
  } else {
    out.str("refusal", refusal_name(d.refusal));
  }
  out.bytes("old_bytes", d.old_bytes, d.len)
      .bytes("new_bytes", d.new_bytes, d.verdict == Verdict::Refused ? 0 : d.len);
}

// Keeps each decision for the tests and writes it: always when the site was
// refused (the original stays, slower but correct, and someone should know),
// every decision under altpv.debug.
class Recorder final : public DecisionObserver {
 public:
  explicit Recorder(bool verbose) : verbose_(verbose) {}

  void on_decision(const Decision& d) override {
    if (state.outcome_count < kMaxPatchSites) {
      state.outcomes[state.outcome_count++] = {d.address, d.chosen, d.verdict, d.refusal};
    }
    if (verbose_ || d.verdict == Verdict::Refused) write_decision(d);
  }

 private:
  bool verbose_;
};

FeatureSet boot_features(const Cmdline& cmdline) {
  // With the synthetic PV bit under the testbed's PV personality, for which
  // patch_at_boot hands the engine the PV backend (pv_backend.h).
  FeatureSet features = platform_features();
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
  char features[256];
  format_features(state.features, features, sizeof features);
  JsonLine("patching")
      .out()
      .str("features", features)
      .num("sites", state.stats.sites)
      .num("patched", state.stats.patched)
      .num("unchanged", state.stats.unchanged)
      .num("refused", state.stats.refused);
}

const BootPatching& boot_patching() {
  return state;
}

}  // namespace altpv::guest
