// SPDX-License-Identifier: MIT
// `plan`: the engine's own decision lines for a feature set.
#include <gtest/gtest.h>

#include <sstream>
#include <vector>

#include "tool_runner.h"

namespace altpv::inspect::test {
namespace {

using nlohmann::json;

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The plan line of the site in `function`.
std::string line_for(const std::string& out, const std::string& function) {
  for (const std::string& l : lines(out)) {
    if (l.find("<" + function + "+") != std::string::npos) return l;
  }
  ADD_FAILURE() << "no line for " << function << " in\n" << out;
  return {};
}

ToolResult plan(const std::string& features) {
  return run_tool({"plan", FIXTURE_PIE, "--features", features});
}

TEST(Plan, EmptySetKeepsOriginalsExceptAlways) {
  const ToolResult r = plan("");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto all = lines(r.out);
  ASSERT_EQ(all.size(), 6u) << r.out;
  for (const std::string& l : all) EXPECT_EQ(l.rfind("altpv: site ", 0), 0u) << l;
  EXPECT_NE(line_for(r.out, "fixture_wrmsr_ns").find(": original | "), std::string::npos);
  EXPECT_NE(line_for(r.out, "fixture_wrmsr_ns").find(" unchanged"), std::string::npos);
  // Without pv, the negated condition matches first.
  EXPECT_NE(line_for(r.out, "fixture_conditions").find("alt 0 [!pv] bytes"), std::string::npos);
}

TEST(Plan, FirstMatchingAlternativeWins) {
  const ToolResult r = plan("wrmsrns,msr_imm");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string ns = line_for(r.out, "fixture_wrmsr_ns");
  EXPECT_NE(ns.find("op 2 len 10: alt 1 [wrmsrns] bytes | 2e 0f 30"), std::string::npos) << ns;
  EXPECT_NE(ns.find("-> 0f 01 c6 0f 1f 80 00 00 00 00 patched"), std::string::npos) << ns;
  const std::string imm = line_for(r.out, "fixture_wrmsr_ns_imm");
  EXPECT_NE(imm.find("const 0x48 len 9: alt 0 [msr_imm] bytes"), std::string::npos) << imm;
  EXPECT_NE(imm.find("-> c4 e7 7a f6 c0 48 00 00 00 patched"), std::string::npos) << imm;
}

// Without pv a call alternative cannot hold here; under pv, with no backend,
// the engine refuses the sites whose choice is a call and plans the rest.
TEST(Plan, PvCallSitesAreRefusedWithoutBackend) {
  const ToolResult r =
      run_tool({"plan", FIXTURE_SO, "--features", "pv,wrmsrns", "--backend", "none"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  for (const char* function : {"fixture_wrmsr_ns", "fixture_wrmsr_call_setup"}) {
    EXPECT_NE(line_for(r.out, function).find("REFUSED: pv call alternative, but no backend"),
              std::string::npos)
        << function << "\n"
        << r.out;
  }
  EXPECT_NE(line_for(r.out, "fixture_conditions").find("alt 1 [always] bytes"), std::string::npos);
  EXPECT_NE(r.err.find("2 of 6 sites would be refused"), std::string::npos) << r.err;
}

TEST(Plan, OverrideSyntaxOnTheEmptySet) {
  const ToolResult r = plan("+wrmsrns, -wrmsrns");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(line_for(r.out, "fixture_wrmsr_ns").find(": original"), std::string::npos);
}

TEST(Plan, NoSymbolsLeavesTheAddressOnly) {
  const ToolResult r = run_tool({"plan", FIXTURE_PIE, "--features", "wrmsrns", "--no-symbols"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find('<'), std::string::npos) << r.out;
  // The address is the ELF vaddr list reports.
  const json site = site_in(list_sites(FIXTURE_PIE), "fixture_wrmsr_ns");
  EXPECT_NE(r.out.find(" @" + site["address"].get<std::string>() + " op 2 len 10"),
            std::string::npos)
      << r.out;
}

TEST(Plan, JsonCarriesTheSameLines) {
  const ToolResult text = plan("rdpid,serialize");
  const ToolResult j = run_tool({"plan", FIXTURE_PIE, "--features", "rdpid,serialize", "--json"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  const json doc = json::parse(j.out);
  EXPECT_EQ(doc["features"], "serialize,rdpid");
  std::string joined;
  for (const json& d : doc["decisions"]) joined += d["line"].get<std::string>() + "\n";
  EXPECT_EQ(joined, text.out);
  bool serialize_chosen = false;
  for (const json& d : doc["decisions"]) {
    if (d["condition"] == "serialize") serialize_chosen = d["verdict"] == "patched";
  }
  EXPECT_TRUE(serialize_chosen) << j.out;
}

TEST(Plan, UnknownFeaturesAreNamed) {
  const ToolResult r = plan("foo,wrmsrns,-bar");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--features: unknown features 'foo', '-bar' (valid: wrmsrns, msr_imm, "),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

}  // namespace
}  // namespace altpv::inspect::test
