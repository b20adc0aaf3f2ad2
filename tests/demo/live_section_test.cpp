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

void expect_fails(const LiveKeysRecord& r, const std::string& reason) {
  const auto v = check_live_record(r, 4, 200);
  ASSERT_FALSE(v.passed());
  EXPECT_NE(v.describe().find(reason), std::string::npos) << v.describe();
}

TEST(LiveSection, EachBrokenCountFails) {
  auto r = good_record();
  r.wrong = 1;
  expect_fails(r, "1 calls returned a wrong result");
  r = good_record();
  r.failed_switches = 2;
  expect_fails(r, "2 switches failed");
  r = good_record();
  r.add_up = false;
  expect_fails(r, "differ from its calls");
  r = good_record();
  r.disabled = 0;
  expect_fails(r, "both states must be seen");
  r = good_record();
  r.syncs = 599;
  expect_fails(r, "599 syncs for 200 toggles");
  r = good_record();
  r.exits = 601;
  expect_fails(r, "exited 601 times");
  r = good_record();
  r.vcpus_running = 3;
  expect_fails(r, "3 APs ran the sites, not 4");
  r = good_record();
  r.toggles = 20;
  expect_fails(r, "20 toggles, not 200");
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
