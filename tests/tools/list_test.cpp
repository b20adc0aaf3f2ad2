// SPDX-License-Identifier: MIT
// `list` on the fixtures: structure and decoded mnemonics of every site.
#include <gtest/gtest.h>

#include "tool_runner.h"

namespace altpv::inspect::test {
namespace {

using nlohmann::json;

std::string first_text(const json& part) {
  return part["instructions"][0]["text"];
}

class ListTest : public ::testing::TestWithParam<const char*> {};

TEST_P(ListTest, DecodesEverySiteShape) {
  const json sites = list_sites(GetParam());
  ASSERT_EQ(sites.size(), 6u);

  const json ns = site_in(sites, "fixture_wrmsr_ns");
  EXPECT_EQ(ns["op"], 2);
  EXPECT_TRUE(ns["constant"].is_null());
  EXPECT_EQ(ns["length"], 10);  // the hosted call/rz alternative is the longest
  EXPECT_EQ(first_text(ns["original"]), "cs wrmsr");
  ASSERT_EQ(ns["alternatives"].size(), 2u);
  EXPECT_EQ(ns["alternatives"][0]["condition"], "pv");
  EXPECT_EQ(ns["alternatives"][0]["kind"], "call/rz");
  EXPECT_EQ(ns["alternatives"][0]["call"], "lea -0x80(%rsp), %rsp; call <stub for op 2>");
  EXPECT_EQ(ns["alternatives"][1]["condition"], "wrmsrns");
  EXPECT_EQ(ns["alternatives"][1]["kind"], "bytes");
  EXPECT_EQ(ns["alternatives"][1]["bytes"], "0f 01 c6");
  EXPECT_EQ(first_text(ns["alternatives"][1]), "wrmsrns");

  const json imm = site_in(sites, "fixture_wrmsr_ns_imm");
  EXPECT_EQ(imm["constant"], 0x48);
  EXPECT_EQ(imm["length"], 9);
  EXPECT_EQ(imm["alternatives"][0]["condition"], "msr_imm");
  EXPECT_EQ(first_text(imm["alternatives"][0]), "wrmsrns $0x48, %rax");
  EXPECT_EQ(first_text(imm["alternatives"][1]), "wrmsrns");

  const json setup = site_in(sites, "fixture_wrmsr_call_setup");
  EXPECT_EQ(setup["length"], 15);
  EXPECT_EQ(setup["alternatives"][0]["kind"], "call/rz");
  EXPECT_EQ(setup["alternatives"][0]["bytes"], "b9 49 00 00 00");
  EXPECT_EQ(first_text(setup["alternatives"][0]), "mov $0x49, %ecx");
  EXPECT_EQ(first_text(setup["alternatives"][1]), "wrmsrns $0x49, %rax");

  const json rd = site_in(sites, "fixture_rdmsr_imm");
  EXPECT_EQ(rd["op"], 3);
  EXPECT_EQ(first_text(rd["alternatives"][0]), "rdmsr $0x10, %rax");
  EXPECT_EQ(rd["original"]["instructions"][1]["text"], "rdmsr");

  const json cond = site_in(sites, "fixture_conditions");
  EXPECT_EQ(cond["alternatives"][0]["condition"], "!pv");
  EXPECT_EQ(cond["alternatives"][1]["condition"], "always");
}

TEST_P(ListTest, TextNamesSitesAndInstructions) {
  const ToolResult r = run_tool({"list", GetParam()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("<fixture_wrmsr_ns+0x"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("alt 1 [wrmsrns] bytes len 3"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("wrmsrns $0x48, %rax"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("rdmsr $0x10, %rax"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("op 2 const 0x48 len 9"), std::string::npos) << r.out;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ListTest, ::testing::Values(FIXTURE_PIE, FIXTURE_SO),
                         fixture_name);

TEST(List, FileWithoutSites) {
  const ToolResult r = run_tool({"list", FIXTURE_NOSITES});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("no altpv sites"), std::string::npos) << r.out;
  const ToolResult j = run_tool({"list", "--json", FIXTURE_NOSITES});
  EXPECT_TRUE(json::parse(j.out)["sites"].empty());
}

}  // namespace
}  // namespace altpv::inspect::test
