// SPDX-License-Identifier: MIT
// Runs altpv-inspect as a child process and captures what it printed.
#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace altpv::inspect::test {

struct ToolResult {
  int exit_code = -1;  // -1: killed by a signal (a crash)
  std::string out;
  std::string err;
  long max_rss_kb = 0;  // the child's peak resident memory
};

ToolResult run_tool(const std::vector<std::string>& args);

// Runs `altpv-inspect list --json FILE` and returns its "sites" array.
nlohmann::json list_sites(const std::string& file);

// The first site whose symbol starts with `function` + "+".
nlohmann::json site_in(const nlohmann::json& sites, const std::string& function);

// Names the fixture parameter of a parameterised test: "pie" or "so".
std::string fixture_name(const ::testing::TestParamInfo<const char*>& info);

// A path for a test's scratch file, unique per test and `name`.
std::string scratch_path(const std::string& name);

}  // namespace altpv::inspect::test
