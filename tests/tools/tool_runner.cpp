// SPDX-License-Identifier: MIT
#include "tool_runner.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace altpv::inspect::test {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::string fixture_name(const ::testing::TestParamInfo<const char*>& info) {
  return std::string(info.param) == FIXTURE_PIE ? "pie" : "so";
}

std::string scratch_path(const std::string& name) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::filesystem::create_directories(SCRATCH_DIR);
  std::string file = std::string(info->test_suite_name()) + "." + info->name() + "." + name;
  std::replace(file.begin(), file.end(), '/', '_');  // parameterised test names
  return std::string(SCRATCH_DIR) + "/" + file;
}

ToolResult run_tool(const std::vector<std::string>& args) {
  const std::string out_path = scratch_path("stdout");
  const std::string err_path = scratch_path("stderr");
  const pid_t pid = fork();
  if (pid == 0) {
    if (freopen(out_path.c_str(), "w", stdout) == nullptr ||
        freopen(err_path.c_str(), "w", stderr) == nullptr) {
      _exit(127);
    }
    std::vector<char*> argv{const_cast<char*>(INSPECT_TOOL)};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(INSPECT_TOOL, argv.data());
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  ToolResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.max_rss_kb = usage.ru_maxrss;
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  return r;
}

nlohmann::json list_sites(const std::string& file) {
  const ToolResult r = run_tool({"list", "--json", file});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(r.out)["sites"];
}

nlohmann::json site_in(const nlohmann::json& sites, const std::string& function) {
  for (const auto& site : sites) {
    if (site["symbol"].get<std::string>().starts_with(function + "+")) return site;
  }
  ADD_FAILURE() << "no site in " << function;
  return nlohmann::json::object();
}

}  // namespace altpv::inspect::test
