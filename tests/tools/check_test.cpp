// SPDX-License-Identifier: MIT
// `check`: passes on the good fixtures, names the site of every problem.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "altpv/engine/planner.h"
#include "elf_edit.h"
#include "site_records_edit.h"
#include "tool_runner.h"

namespace altpv::inspect::test {
namespace {

using nlohmann::json;

class CheckGood : public ::testing::TestWithParam<const char*> {};

TEST_P(CheckGood, Passes) {
  const ToolResult r = run_tool({"check", GetParam()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("6 sites, no problems"), std::string::npos) << r.out;
  const json j = json::parse(run_tool({"check", "--json", GetParam()}).out);
  EXPECT_TRUE(j["ok"].get<bool>());
  EXPECT_EQ(j["sites"], 6);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, CheckGood, ::testing::Values(FIXTURE_PIE, FIXTURE_SO),
                         fixture_name);

// Runs check on `file`, expects it to fail naming `function` and `problem`.
void expect_problem(const std::string& file, const std::string& function,
                    const std::string& problem) {
  const ToolResult r = run_tool({"check", file});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  bool found = false;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    found |= line.find("<" + function + "+") != std::string::npos &&
             line.find(problem) != std::string::npos;
  }
  EXPECT_TRUE(found) << "want <" << function << "+...>: ..." << problem << " in\n" << r.out;
}

// The engine relocates a RIP-relative operand or a call leaving the
// replacement, so check accepts them.
TEST(Check, RelocatableAlternativesPass) {
  for (const char* file : {FIXTURE_RIP, FIXTURE_BRANCH}) {
    const ToolResult r = run_tool({"check", file});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("1 sites, no problems"), std::string::npos) << r.out;
  }
}

// What the engine refuses, check flags with the engine's reason.
TEST(Check, AlternativeThatCannotBeRelocated) {
  expect_problem(FIXTURE_REL8_OUT, "fixture_rel8_out",
                 std::string("alt 0 [rdpid] bytes: not relocatable: ") +
                     refusal_name(Refusal::RelocOutOfRange) + " (instruction at +0)");
}

TEST(Check, AlternativeThatIsNotWholeInstructions) {
  expect_problem(FIXTURE_UNDECODABLE, "fixture_undecodable",
                 "alt 0 [rdpid] bytes: does not decode into whole instructions (truncated "
                 "instruction at +0): 0f");
}

TEST(Check, PatchedTextOnDisk) {
  ElfEdit e(FIXTURE_PIE);
  const json site = site_in(list_sites(FIXTURE_PIE), "fixture_wrmsr_ns");
  const std::uint64_t at =
      e.file_offset(std::stoull(site["address"].get<std::string>(), nullptr, 16));
  e.bytes()[at] = 0xcc;
  expect_problem(e.save("patched"), "fixture_wrmsr_ns",
                 "site holds neither its original nor a known alternative");
  // Holding an alternative is what the engine accepts, but not on disk.
  const std::uint8_t wrmsrns[] = {0x0f, 0x01, 0xc6, 0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00};
  std::copy(std::begin(wrmsrns), std::end(wrmsrns), e.bytes().begin() + at);
  expect_problem(e.save("alternative"), "fixture_wrmsr_ns",
                 "text holds 0f 01 c6 0f 1f 80 00 00 00 00, not the original 2e 0f 30");
}

TEST(Check, DuplicatedSite) {
  ElfEdit e(FIXTURE_PIE);
  const Elf64_Shdr sites = e.section("altpv_sites");
  // Record 1 becomes a copy of record 0, every pointer re-aimed.
  const auto record0 = e.get<SiteRecord>(sites.sh_offset);
  e.put(sites.sh_offset + sizeof(SiteRecord), record0);
  for (const std::size_t field : {kSiteField, kOrigField, kAltsField}) {
    point_record(e, 1, field, record_target(e, 0, field));
  }
  const ToolResult r = run_tool({"check", e.save("dup")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("site 0 @"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("site 1 @"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("site described twice"), std::string::npos) << r.out;
}

TEST(Check, OverlappingSites) {
  ElfEdit e(FIXTURE_PIE);
  point_record(e, 1, kSiteField, record_target(e, 0, kSiteField) + 1);
  const ToolResult r = run_tool({"check", e.save("overlap")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("site 1 @"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("site overlaps another site"), std::string::npos) << r.out;
}

// Two short records inside one long site, not overlapping each other: all
// three are refused, by check and by plan, and nothing is patched.
TEST(Check, EverySiteInsideALongerSiteIsNamed) {
  ElfEdit e(FIXTURE_PIE);
  const json sites = list_sites(FIXTURE_PIE);
  const std::size_t outer = site_in(sites, "fixture_long_padding")["index"];
  const std::size_t victims[] = {site_in(sites, "fixture_wrmsr_ns")["index"],
                                 site_in(sites, "fixture_conditions")["index"]};
  const Elf64_Shdr table = e.section("altpv_sites");
  // The long site is four 5-byte movs: records for the second and the third,
  // which touch each other but do not overlap.
  const std::size_t offsets[] = {5, 10};
  for (std::size_t k = 0; k < 2; ++k) {
    const std::size_t v = victims[k];
    // One whole mov of the long site's original, with its 2-byte `xor` alternative.
    point_record(e, v, kSiteField, record_target(e, outer, kSiteField) + offsets[k]);
    point_record(e, v, kOrigField, record_target(e, outer, kOrigField) + offsets[k]);
    point_record(e, v, kAltsField, record_target(e, outer, kAltsField));
    const std::uint64_t record = table.sh_offset + v * sizeof(SiteRecord);
    e.put<std::uint8_t>(record + offsetof(SiteRecord, len), 5);
    e.put<std::uint8_t>(record + offsetof(SiteRecord, nalts), 1);
    e.put<std::uint8_t>(record + offsetof(SiteRecord, flags), 0);
  }
  const std::string path = e.save("nested");
  const ToolResult check = run_tool({"check", path});
  EXPECT_EQ(check.exit_code, 1);
  const ToolResult plan = run_tool({"plan", path, "--features", "serialize"});
  EXPECT_EQ(plan.exit_code, 1);
  EXPECT_EQ(plan.out.find(" patched"), std::string::npos) << plan.out;
  for (const std::size_t i : {outer, victims[0], victims[1]}) {
    const std::string head = "site " + std::to_string(i) + " @";
    bool named = false, refused = false;
    std::istringstream c(check.out), p(plan.out);
    for (std::string line; std::getline(c, line);) {
      named |= line.starts_with(head) && line.ends_with(": site overlaps another site");
    }
    for (std::string line; std::getline(p, line);) {
      refused |= line.find(head) != std::string::npos &&
                 line.ends_with("REFUSED: site overlaps another site");
    }
    EXPECT_TRUE(named) << head << "\n" << check.out;
    EXPECT_TRUE(refused) << head << "\n" << plan.out;
  }
}

TEST(Check, FileWithoutSites) {
  const ToolResult r = run_tool({"check", FIXTURE_NOSITES});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("no altpv sites"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace altpv::inspect::test
