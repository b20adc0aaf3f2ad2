// SPDX-License-Identifier: MIT
// patch_process_at_startup in a child process, with $ALTPV_FEATURES set:
// a bad value is reported by name and nothing is patched.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "altpv/hosted/process.h"
#include "test_sites.h"

namespace altpv::testing {
namespace {

std::vector<std::uint8_t> all_site_bytes() {
  const SiteTable table = hosted::process_site_table();
  std::vector<std::uint8_t> out;
  for (const SiteRecord* r = table.sites_begin; r != table.sites_end; ++r) {
    const auto* text = reinterpret_cast<const std::uint8_t*>(r->site_address());
    out.insert(out.end(), text, text + r->len);
  }
  return out;
}

// Runs start-up patching with $ALTPV_FEATURES=`overrides`; exits 0 only if it
// failed naming `name` and left every site as it was.
[[noreturn]] void start_up_with(const char* overrides, const std::string& name) {
  setenv(hosted::kFeaturesEnv, overrides, 1);
  const std::vector<std::uint8_t> before = all_site_bytes();
  TestBackend backend;
  const hosted::StartupResult r = hosted::patch_process_at_startup(&backend);
  const bool refused = !r.ok && r.error.find(name) != std::string::npos;
  const bool untouched = r.stats.patched == 0 && all_site_bytes() == before;
  std::_Exit(refused && untouched ? 0 : 1);
}

TEST(StartupDeathTest, BogusFeatureIsNamedAndNothingPatched) {
  ASSERT_FALSE(all_site_bytes().empty());
  EXPECT_EXIT(start_up_with("bogus", "'bogus'"), ::testing::ExitedWithCode(0),
              "'bogus'.*nothing patched");
}

TEST(StartupDeathTest, ForcingAFeatureTheCpuLacksIsNamedAndNothingPatched) {
  const FeatureSet cpu = detect_cpu_features();
  std::string lacking;
  for (unsigned bit = 0; bit < ALTPV_FEATURE_COUNT && lacking.empty(); ++bit) {
    if (feature_name(bit) != nullptr && !feature_is_synthetic(bit) && !cpu.has_bit(bit)) {
      lacking = feature_name(bit);
    }
  }
  if (lacking.empty()) GTEST_SKIP() << "this CPU has every feature altpv knows";
  const std::string overrides = "+" + lacking;
  EXPECT_EXIT(start_up_with(overrides.c_str(), overrides), ::testing::ExitedWithCode(0),
              "\\+" + lacking + ".*nothing patched");
}

// The test backend's stubs, from a backend that says it cannot serve them.
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

// Start-up with $ALTPV_FEATURES=+pv and `backend`: exits 0 only if it failed
// naming `reason`, and refused exactly the sites whose choice is a call,
// leaving their bytes as they were.
[[noreturn]] void start_up_pv_with(const Backend* backend, const std::string& reason) {
  setenv(hosted::kFeaturesEnv, "+pv", 1);
  const FeatureSet pv = detect_cpu_features().set(Feature::Pv);
  const SiteTable table = hosted::process_site_table();
  std::vector<std::pair<const SiteRecord*, std::vector<std::uint8_t>>> call_sites;
  for (const SiteRecord* r = table.sites_begin; r != table.sites_end; ++r) {
    const auto* alts = reinterpret_cast<const AltRecord*>(r->alts_address());
    const auto* text = reinterpret_cast<const std::uint8_t*>(r->site_address());
    for (std::size_t i = 0; i < r->nalts; ++i) {
      if (!condition_holds(alts[i].cond, pv)) continue;
      if (alts[i].kind != AltKind::Bytes) call_sites.push_back({r, {text, text + r->len}});
      break;
    }
  }
  const hosted::StartupResult r = hosted::patch_process_at_startup(backend);
  const bool named = !r.ok && r.error.find(reason) != std::string::npos;
  bool untouched = call_sites.size() >= 2 && r.stats.refused == call_sites.size();
  for (const auto& [site, bytes] : call_sites) {
    const auto* text = reinterpret_cast<const std::uint8_t*>(site->site_address());
    untouched &= std::vector<std::uint8_t>(text, text + site->len) == bytes;
  }
  std::_Exit(named && untouched ? 0 : 1);
}

TEST(StartupDeathTest, PvWithoutBackendRefusesTheCallSitesAndSaysWhy) {
  EXPECT_EXIT(start_up_pv_with(nullptr, "pv is set, but no backend was given"),
              ::testing::ExitedWithCode(0),
              "altpv: ALTPV_FEATURES: pv is set, but no backend was given to "
              "patch_process_at_startup\\(\\); [0-9]+ sites refused");
}

TEST(StartupDeathTest, PvWithABackendThatIsNotReadyRefusesTheCallSitesAndSaysWhy) {
  const UnreadyBackend backend;
  EXPECT_EXIT(start_up_pv_with(&backend, "backend 'unready' is not ready"),
              ::testing::ExitedWithCode(0), "backend 'unready' is not ready \\(no handler set\\)");
}

}  // namespace
}  // namespace altpv::testing
