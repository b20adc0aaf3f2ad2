// SPDX-License-Identifier: MIT
// Start-up in fresh processes (process_helper): what $ALTPV_FEATURES does at
// load, that patching again is harmless, and the new user's race (threads
// running sites while main patches) over a fixed number of runs.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "altpv/features.h"
#include "altpv/hosted/process.h"
#include "run_program.h"

namespace altpv::testing {
namespace {

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Refused at load, named once, and every site left as it was.
void expect_refused_at_load(const std::string& features, const std::string& named) {
  const ProgramRun run = run_helper({"startup"}, features);
  SCOPED_TRACE(run.output);
  ASSERT_EQ(run.exit_code, 0);
  EXPECT_EQ(occurrences(run.output, "nothing patched"), 1u);
  EXPECT_NE(run.output.find(named), std::string::npos);
  EXPECT_EQ(field(run.output, "startup", "ok"), 0);
  EXPECT_EQ(field(run.output, "startup", "patched"), 0);
  // Every site of the helper, not just some.
  EXPECT_GT(field(run.output, "state", "originals"), 0);
  EXPECT_EQ(field(run.output, "state", "originals"), field(run.output, "startup", "sites"));
}

TEST(Startup, BogusFeatureIsNamedOnceAndNothingPatched) {
  expect_refused_at_load("bogus", "ALTPV_FEATURES: unknown feature 'bogus'");
}

TEST(Startup, ForcingAFeatureTheCpuLacksIsNamedOnceAndNothingPatched) {
  const FeatureSet cpu = detect_cpu_features();
  std::string lacking;
  for (unsigned bit = 0; bit < ALTPV_FEATURE_COUNT && lacking.empty(); ++bit) {
    if (feature_name(bit) != nullptr && !feature_is_synthetic(bit) && !cpu.has_bit(bit)) {
      lacking = feature_name(bit);
    }
  }
  if (lacking.empty()) GTEST_SKIP() << "this CPU has every feature altpv knows";
  expect_refused_at_load("+" + lacking, "cannot force +" + lacking);
}

// Patched as it loaded; calling the start-up function again writes nothing.
TEST(Startup, CallingAgainIsHarmless) {
  const ProgramRun run = run_helper({"startup"}, "");
  SCOPED_TRACE(run.output);
  ASSERT_EQ(run.exit_code, 0);
  const long sites = field(run.output, "startup", "sites");
  EXPECT_GT(sites, 0);
  EXPECT_EQ(field(run.output, "startup", "ok"), 1);
  EXPECT_EQ(field(run.output, "startup", "patched"), 0);
  EXPECT_EQ(field(run.output, "startup", "unchanged"), sites);
  EXPECT_LT(field(run.output, "state", "originals"), sites) << "nothing was patched at load";
}

// The new user's race, 1,000 fresh processes: 4 threads run sites while main
// calls patch_process_at_startup() and then patches for other features.
// Half the runs force +pv with a backend, so the start-up call itself would
// turn sites into calls. Nothing may crash; whatever would change a site
// while the threads run is refused, with a message naming the live API.
TEST(Startup, PatchingWhileThreadsRunIsRefusedNeverACrash) {
  constexpr int kRuns = 1000;
  int refused_startups = 0;
  for (int i = 0; i < kRuns; ++i) {
    const bool pv = i % 2 == 1;
    const ProgramRun run = pv ? run_helper({"race", "backend"}, "+pv") : run_helper({"race"}, "");
    SCOPED_TRACE("run " + std::to_string(i) + ":\n" + run.output);
    ASSERT_EQ(run.signal, 0);
    ASSERT_EQ(run.exit_code, 0);
    ASSERT_EQ(field(run.output, "threads", "wrong"), 0);
    ASSERT_GT(field(run.output, "threads", "calls"), 0);
    // Patched at load, so start-up has nothing to write, except the calls
    // the backend adds under +pv.
    ASSERT_EQ(field(run.output, "startup", "ok"), pv ? 0 : 1);
    refused_startups += field(run.output, "startup", "ok") == 0;
    ASSERT_EQ(field(run.output, "other", "ok"), 0);
    ASSERT_EQ(field(run.output, "other", "patched"), 0);
    ASSERT_GT(field(run.output, "other", "refused"), 0);
    ASSERT_EQ(occurrences(run.output, "altpv::Key"), pv ? 2u : 1u);
  }
  EXPECT_EQ(refused_startups, kRuns / 2);
}

// +pv without a backend: the sites that would call one are refused, and
// the start-up call says why instead of leaving a SIGSEGV to explain later.
TEST(Startup, PvWithoutBackendRefusesTheCallSitesAndSaysWhy) {
  const ProgramRun run = run_helper({"startup"}, "+pv");
  SCOPED_TRACE(run.output);
  ASSERT_EQ(run.exit_code, 0);
  EXPECT_EQ(field(run.output, "startup", "ok"), 0);
  // which_alternative() and the red-zone probe: their first pv alternative is a call.
  EXPECT_GE(field(run.output, "startup", "refused"), 2);
  EXPECT_NE(run.output.find("altpv: ALTPV_FEATURES: pv is set, but no backend was given: "),
            std::string::npos);
  EXPECT_NE(run.output.find(" sites that call it were refused and keep their native instruction"),
            std::string::npos);
}

}  // namespace
}  // namespace altpv::testing
