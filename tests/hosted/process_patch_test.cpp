// SPDX-License-Identifier: MIT
// End to end in this process: patch the real sites of this binary under
// several feature sets, check the bytes in memory, and run the sites.
#include <gtest/gtest.h>
#include <sched.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "altpv/cpu_ops.h"
#include "altpv/hosted/process.h"
#include "expected_site_bytes.h"
#include "recording_observer.h"
#include "test_site_values.h"
#include "test_sites.h"

namespace altpv::testing {
namespace {

FeatureSet cpu_features_with(const char* overrides) {
  const hosted::ProcessFeatures f = hosted::process_features(detect_cpu_features(), overrides);
  EXPECT_TRUE(f.ok) << f.error;
  return f.features;
}

std::vector<std::uint16_t> conditions(const SiteRecord& site) {
  const auto* alts = reinterpret_cast<const AltRecord*>(site.alts_address());
  std::vector<std::uint16_t> out;
  for (std::size_t i = 0; i < site.nalts; ++i) out.push_back(alts[i].cond);
  return out;
}

// The alternative of a site of cpu_number() or serialize() that `f` selects;
// nullopt for other sites.
std::optional<int> expected_cpu_op_choice(const SiteRecord& site, const FeatureSet& f) {
  const std::vector<std::uint16_t> conds = conditions(site);
  if (conds == std::vector<std::uint16_t>{ALTPV_FEATURE_RDPID, ALTPV_FEATURE_RDTSCP}) {
    return f.has(Feature::Rdpid) ? 0 : f.has(Feature::Rdtscp) ? 1 : kOriginal;
  }
  if (conds == std::vector<std::uint16_t>{ALTPV_FEATURE_SERIALIZE}) {
    return f.has(Feature::Serialize) ? 0 : kOriginal;
  }
  return std::nullopt;
}

// Patches every site of this binary for `f` and checks each one now holds
// exactly its chosen alternative plus NOP fill.
void patch_and_check_bytes(const FeatureSet& f, const Backend* backend) {
  const SiteTable table = hosted::process_site_table();
  RecordingObserver observer;
  const ApplyStats stats = hosted::patch_process(f, backend, &observer).stats;
  ASSERT_FALSE(stats.table_rejected);
  EXPECT_EQ(stats.refused, 0u);
  ASSERT_EQ(observer.decisions.size(), table.size());
  for (const Decision& d : observer.decisions) {
    const SiteRecord& site = table.sites_begin[d.index];
    ASSERT_EQ(d.address, site.site_address());
    SCOPED_TRACE(d.index);
    const void* stub = backend != nullptr && d.chosen != kOriginal
                           ? backend->stub(site.op, site.constant, site.has_constant(), d.kind)
                           : nullptr;
    const std::vector<std::uint8_t> expected = expected_site_bytes(site, d.chosen, stub);
    const auto* text = reinterpret_cast<const std::uint8_t*>(site.site_address());
    EXPECT_EQ(std::vector<std::uint8_t>(text, text + site.len), expected);
    if (const std::optional<int> choice = expected_cpu_op_choice(site, f)) {
      EXPECT_EQ(d.chosen, *choice);
    }
  }
}

// cpu_number() against the kernel's answer, pinned to each allowed CPU.
void expect_cpu_number_on_every_cpu() {
  cpu_set_t allowed;
  ASSERT_EQ(sched_getaffinity(0, sizeof allowed, &allowed), 0);
  int checked = 0;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (!CPU_ISSET(cpu, &allowed)) continue;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    ASSERT_EQ(sched_setaffinity(0, sizeof one, &one), 0) << cpu;
    ASSERT_EQ(sched_getcpu(), cpu);
    EXPECT_EQ(cpu_number(), static_cast<unsigned>(cpu));
    ++checked;
  }
  ASSERT_EQ(sched_setaffinity(0, sizeof allowed, &allowed), 0);
  EXPECT_GT(checked, 0);
}

class ProcessPatch : public ::testing::Test {
 protected:
  // Leave the binary as start-up would: the CPU's own features.
  void TearDown() override { hosted::patch_process(detect_cpu_features(), &backend_); }

  TestBackend backend_;
};

TEST_F(ProcessPatch, SitesRunTheirChoiceUnderEachFeatureSet) {
  struct Step {
    const char* overrides;
    bool backend;
  };
  // A site patched to a call is only recognised while the backend offers
  // its stub, so the steps without a backend come before the call. (+pv
  // without a backend refuses the call sites: startup_test.cpp.)
  const Step steps[] = {
      {"", false},
      {"-rdpid", false},
      {"-rdpid,-rdtscp", false},
      {"+pv", true},
      {"+pv,-rdpid,-rdtscp,-serialize", true},
      {"-rdpid", true},
      {"", true},
  };
  for (const Step& step : steps) {
    SCOPED_TRACE(std::string("ALTPV_FEATURES=") + step.overrides +
                 (step.backend ? " with the test backend" : " without backend"));
    const FeatureSet f = cpu_features_with(step.overrides);
    const Backend* backend = step.backend ? &backend_ : nullptr;
    patch_and_check_bytes(f, backend);

    const bool stub = step.backend && f.has(Feature::Pv);
    EXPECT_EQ(which_alternative(), expected_alternative(f, step.backend));
    EXPECT_EQ(altpv_test_red_zone_probe(),
              static_cast<unsigned>(stub ? ALTPV_TEST_FROM_STUB : ALTPV_TEST_ORIGINAL));
    serialize();
    expect_cpu_number_on_every_cpu();
  }
}

// A feature the CPU lacks, forced in the set itself (not through an override,
// which would be refused): its alternative here is a plain mov, safe to run.
TEST_F(ProcessPatch, ForcedFeatureSelectsItsAlternative) {
  FeatureSet f = cpu_features_with("");
  f.set(Feature::Wrmsrns);
  patch_and_check_bytes(f, &backend_);
  EXPECT_EQ(which_alternative(), static_cast<unsigned>(ALTPV_TEST_IF_WRMSRNS));
}

TEST_F(ProcessPatch, ReportNamesTheSiteFunction) {
  char* text = nullptr;
  std::size_t size = 0;
  std::FILE* out = open_memstream(&text, &size);
  ASSERT_NE(out, nullptr);
  hosted::ReportPrinter printer(out);
  hosted::patch_process(cpu_features_with("+pv"), &backend_, &printer);
  std::fclose(out);
  const std::string report(text, size);
  std::free(text);
  EXPECT_NE(report.find("which_alternative"), std::string::npos) << report;
  EXPECT_NE(report.find("altpv_test_red_zone_probe+0x"), std::string::npos) << report;
  EXPECT_NE(report.find("call/rz"), std::string::npos) << report;
}

// The test backend's stubs, from a backend that says it cannot serve them
// (as an MsrBackend does before set_msr_handler()).
class UnreadyBackend final : public Backend {
 public:
  const void* stub(std::uint16_t op, std::uint32_t constant, bool has_constant,
                   AltKind kind) const override {
    return stubs_.stub(op, constant, has_constant, kind);
  }
  const char* name() const override { return "unready"; }
  bool ready() const override { return false; }

 private:
  TestBackend stubs_;
};

// Under pv the sites whose choice is a call are refused and keep their
// bytes; the others are patched; the result names the backend.
TEST_F(ProcessPatch, PvWithABackendThatIsNotReadyRefusesItsCallSites) {
  const FeatureSet pv = cpu_features_with("+pv");
  const UnreadyBackend unready;
  // The sites whose first alternative that holds is a call the backend
  // offers a stub for (others move on to their next alternative).
  const SiteTable table = hosted::process_site_table();
  std::vector<std::pair<const SiteRecord*, std::vector<std::uint8_t>>> call_sites;
  for (const SiteRecord* r = table.sites_begin; r != table.sites_end; ++r) {
    const auto* alts = reinterpret_cast<const AltRecord*>(r->alts_address());
    const auto* text = reinterpret_cast<const std::uint8_t*>(r->site_address());
    for (std::size_t i = 0; i < r->nalts; ++i) {
      if (!condition_holds(alts[i].cond, pv)) continue;
      if (alts[i].kind == AltKind::Bytes) break;
      if (unready.stub(r->op, r->constant, r->has_constant(), alts[i].kind) == nullptr) continue;
      call_sites.push_back({r, {text, text + r->len}});
      break;
    }
  }
  ASSERT_GE(call_sites.size(), 2u);
  const hosted::PatchResult r = hosted::patch_process(pv, &unready);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("pv is set, but backend 'unready' is not ready (no handler set): "),
            std::string::npos)
      << r.error;
  EXPECT_EQ(r.stats.no_backend, call_sites.size());
  EXPECT_EQ(r.stats.refused, call_sites.size());
  for (const auto& [site, bytes] : call_sites) {
    const auto* text = reinterpret_cast<const std::uint8_t*>(site->site_address());
    EXPECT_EQ(std::vector<std::uint8_t>(text, text + site->len), bytes);
  }
}

}  // namespace
}  // namespace altpv::testing
