// SPDX-License-Identifier: MIT
// The command line: CLI11 errors exit non-zero, --help and --version work.
#include <gtest/gtest.h>

#include "tool_runner.h"

namespace altpv::inspect::test {
namespace {

void expect_usage_error(const std::vector<std::string>& args, const std::string& message) {
  const ToolResult r = run_tool(args);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.exit_code, -1);
  EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
}

TEST(Options, Errors) {
  expect_usage_error({}, "subcommand");
  expect_usage_error({"list"}, "FILE is required");
  expect_usage_error({"plan", FIXTURE_PIE}, "--features is required");
  expect_usage_error({"plan", FIXTURE_PIE, "--features", "", "--backend", "xen"}, "xen");
  expect_usage_error({"check", "--bogus", FIXTURE_PIE}, "--bogus");
  expect_usage_error({"diff", FIXTURE_PIE}, "DUMP is required");
}

TEST(Options, UnknownSubcommandIsNamedWithTheValidOnes) {
  const ToolResult r = run_tool({"frobnicate", FIXTURE_PIE});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "altpv-inspect: unknown subcommand 'frobnicate' (valid: list, plan, check, diff)\n");
}

TEST(Options, Version) {
  const ToolResult r = run_tool({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("altpv-inspect ", 0), 0u) << r.out;
}

TEST(Options, Help) {
  const ToolResult r = run_tool({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* word : {"list", "plan", "check", "diff", "Relocatable"}) {
    EXPECT_NE(r.out.find(word), std::string::npos) << word << "\n" << r.out;
  }
  const ToolResult plan = run_tool({"plan", "--help"});
  EXPECT_NE(plan.out.find("--no-symbols"), std::string::npos) << plan.out;
}

}  // namespace
}  // namespace altpv::inspect::test
