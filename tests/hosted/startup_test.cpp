// SPDX-License-Identifier: MIT
// patch_process_at_startup in a child process, with $ALTPV_FEATURES set:
// a bad value is reported by name and nothing is patched.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
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

}  // namespace
}  // namespace altpv::testing
