// SPDX-License-Identifier: MIT
// The demo's live-key checks on records built here: a record from a good
// run passes, and each broken count fails with a reason naming it; the
// section fails when any run does.
#include <gtest/gtest.h>

#include "live_section.h"

namespace altpv::demo {
namespace {

using testbed::report::LiveKeysRecord;

LiveKeysRecord good_record() {
  LiveKeysRecord r;
  r.sites = "guest";
  r.vcpus_running = 4;
  r.toggles = 200;
  r.calls = 1000;
  r.enabled = 600;
  r.disabled = 400;
  r.add_up = true;
  r.syncs = 600;
  r.vcpus_in_guest = 2000;
  r.writes = 1200;
  r.int3_hits = 50;
  r.exits = 600;
  r.exits_io = 600;
  r.tsc_cycles = 2'300'000'000;
  return r;
}

TEST(LiveSection, GoodRecordPasses) {
  EXPECT_TRUE(check_live_record(good_record(), 4, 200).passed())
      << check_live_record(good_record(), 4, 200).describe();
}

struct Breakage {
  void (*apply)(LiveKeysRecord&);
  const char* reason;  // what the failure must name
};

TEST(LiveSection, EachBrokenCountFails) {
  const Breakage breakages[] = {
      {[](LiveKeysRecord& r) { r.wrong = 1; }, "1 calls returned a wrong result"},
      {[](LiveKeysRecord& r) { r.failed_switches = 2; }, "2 switches failed"},
      {[](LiveKeysRecord& r) { r.add_up = false; }, "differ from its calls"},
      {[](LiveKeysRecord& r) { r.disabled = 0; }, "both states must be seen"},
      {[](LiveKeysRecord& r) { r.syncs = 599; }, "599 syncs for 200 toggles"},
      {[](LiveKeysRecord& r) { r.exits = 601; }, "exited 601 times"},
      {[](LiveKeysRecord& r) { r.vcpus_running = 3; }, "3 APs ran the sites, not 4"},
      {[](LiveKeysRecord& r) { r.toggles = 20; }, "20 toggles, not 200"},
  };
  for (const Breakage& b : breakages) {
    LiveKeysRecord r = good_record();
    b.apply(r);
    const auto v = check_live_record(r, 4, 200);
    EXPECT_FALSE(v.passed()) << b.reason;
    EXPECT_NE(v.describe().find(b.reason), std::string::npos) << v.describe();
  }
}

TEST(LiveSection, TogglesPerSecondFromTheGuestTsc) {
  LiveRun run;
  run.record = good_record();
  run.tsc_khz = 2'300'000;  // 2.3e9 cycles at 2.3 GHz: one second
  EXPECT_DOUBLE_EQ(run.toggles_per_second(), 200.0);
  run.tsc_khz = 0;
  EXPECT_EQ(run.toggles_per_second(), 0.0);
}

TEST(LiveSection, OneFailedRunFailsTheSectionAndIsPrinted) {
  LiveSection s;
  EXPECT_FALSE(s.passed());  // no run is no evidence
  LiveRun good;
  good.test = "live.key_stress";
  good.vcpus = 5;
  good.record = good_record();
  s.runs.push_back(good);
  EXPECT_TRUE(s.passed());
  LiveRun bad = good;
  bad.verdict.fail("7 calls returned a wrong result");
  s.runs.push_back(bad);
  EXPECT_FALSE(s.passed());
  EXPECT_NE(live_section_text(s).find("FAIL live.key_stress on 5 vCPUs"), std::string::npos);
  EXPECT_EQ(live_section_json(s)["passed"], false);
}

}  // namespace
}  // namespace altpv::demo
