// SPDX-License-Identifier: MIT
// demo.report_schema: runs `altpv-demo --skip-bench` into a fresh directory
// and checks its report.json against demo/report.schema.json, then that
// every machine is there and every verdict passed. Exit 77 (ctest SKIP)
// when the demo skips for want of /dev/kvm.
//   report_schema_check ALTPV_DEMO BUILD_DIR SCHEMA
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "child_process.h"
#include "schema_check.h"
#include "testbed_config.h"

namespace fs = std::filesystem;
using altpv::demo::all_configs;
using nlohmann::json;

namespace {

constexpr int kSkip = 77;

json read_json(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  return json::parse(in);
}

// What the schema cannot say: the machines by name, and the verdicts.
std::vector<std::string> content_problems(const json& report) {
  std::vector<std::string> problems;
  std::set<std::string> names;
  for (const json& c : report["configurations"]) {
    names.insert(c["name"].get<std::string>());
    if (!c["passed"].get<bool>()) {
      problems.push_back(
          fmt::format("{} failed: {}", c["name"].get<std::string>(), c["reasons"].dump()));
    }
  }
  for (const auto& config : all_configs()) {
    if (!names.contains(config.name())) problems.push_back("no configuration " + config.name());
  }
  for (const json& d : report["differential"]) {
    if (!d["passed"].get<bool>()) {
      problems.push_back("differential failed for " + d["cpu_model"].get<std::string>());
    }
  }
  if (!report["passed"].get<bool>()) problems.push_back("report says passed: false");
  return problems;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    fmt::print(stderr, "usage: report_schema_check ALTPV_DEMO BUILD_DIR SCHEMA\n");
    return 2;
  }
  try {
    char dir_template[] = "/tmp/altpv-demo-report.XXXXXX";
    if (mkdtemp(dir_template) == nullptr) throw std::runtime_error("mkdtemp failed");
    const fs::path out = dir_template;
    const auto demo = altpv::demo::run_child(
        {argv[1], "--build-dir", argv[2], "--out", out.string(), "--skip-bench", "--quiet"},
        std::chrono::seconds(600));
    fmt::print("{}{}", demo.out, demo.err);
    if (demo.exit_code == kSkip) return kSkip;

    const json report = read_json(out / "report.json");
    std::vector<std::string> problems = altpv::demo::schema_violations(read_json(argv[3]), report);
    if (problems.empty()) problems = content_problems(report);
    if (demo.exit_code != 0)
      problems.push_back(fmt::format("altpv-demo exited {}", demo.exit_code));
    for (const std::string& p : problems) fmt::print("report.json: {}\n", p);
    if (problems.empty()) fs::remove_all(out);
    fmt::print("{} ({})\n", problems.empty() ? "PASS" : "FAIL", (out / "report.json").string());
    return problems.empty() ? 0 : 1;
  } catch (const std::exception& e) {
    fmt::print("FAIL: {}\n", e.what());
    return 1;
  }
}
