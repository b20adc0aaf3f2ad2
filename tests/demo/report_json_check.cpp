// SPDX-License-Identifier: MIT
// demo.report_json: runs `altpv-demo --skip-bench` once into a fresh
// directory and checks its report.json field by field: the shape
// docs/demo.md documents, every machine present and passed, and figures
// that agree with each other (bytes with the disassembly, site lengths with
// the decisions, pv_ops costs that no CPU model changes). One ctest runs
// every case on the same demo run.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "machine_run.h"
#include "machines.h"
#include "report_json.h"

namespace altpv::demo {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testbed::report::all_machines;

constexpr int kSkip = 77;

class ReportJson : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char dir[] = "/tmp/altpv-demo-report.XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    out_ = dir;
    demo_ = testbed::report::run_child({ALTPV_DEMO_PATH, "--build-dir", ALTPV_BUILD_DIR, "--out",
                                        out_.string(), "--skip-bench", "--quiet"},
                                       std::chrono::seconds(600));
    std::ifstream in(out_ / "report.json");
    if (in) report_ = json::parse(in, nullptr, /*allow_exceptions=*/false);
  }
  static void TearDownTestSuite() {
    if (!HasFailure()) fs::remove_all(out_);
  }
  void SetUp() override {
    if (demo_.exit_code == kSkip) GTEST_SKIP() << "SKIP: /dev/kvm not available";
    ASSERT_TRUE(report_.is_object()) << "no readable " << (out_ / "report.json") << "\n"
                                     << demo_.out << demo_.err;
  }

  static const json& machine(const std::string& name) {
    for (const json& c : report_.at("configurations")) {
      if (c.at("name") == name) return c;
    }
    throw std::runtime_error("no configuration " + name);
  }

  static inline fs::path out_;
  static inline testbed::report::ChildOutcome demo_;
  static inline json report_;
};

TEST_F(ReportJson, TheDemoPassed) {
  EXPECT_EQ(demo_.exit_code, 0) << demo_.out << demo_.err;
  EXPECT_NE(demo_.out.find("altpv-demo: PASS"), std::string::npos) << demo_.out;
  EXPECT_EQ(report_.at("passed"), true);
}

TEST_F(ReportJson, TopLevelFields) {
  EXPECT_EQ(report_.at("format"), kReportFormat);
  EXPECT_TRUE(report_.at("guest").is_string());
  EXPECT_TRUE(fs::exists(report_.at("guest").get<std::string>()));
  EXPECT_TRUE(report_.at("bench").is_null()) << "--skip-bench";
  EXPECT_TRUE(fs::exists(out_ / "guest-insns.svg"));
  EXPECT_FALSE(fs::exists(out_ / "host-ratio.svg")) << "--skip-bench";
  std::set<std::string> keys;
  for (const auto& [key, value] : report_.items()) keys.insert(key);
  EXPECT_EQ(keys, (std::set<std::string>{"format", "passed", "guest", "configurations",
                                         "differential", "claims", "bench"}));
}

TEST_F(ReportJson, EveryMachineInOrderAndPassed) {
  const json& configs = report_.at("configurations");
  const auto machines = all_machines();
  ASSERT_EQ(configs.size(), machines.size());
  for (std::size_t i = 0; i < machines.size(); ++i) {
    const json& c = configs[i];
    SCOPED_TRACE(machines[i].name());
    EXPECT_EQ(c.at("name"), machines[i].name());
    EXPECT_EQ(c.at("cpu_model"), machines[i].model.name);
    EXPECT_EQ(c.at("cpu_arg"), machines[i].model.cpu_arg);
    EXPECT_EQ(c.at("hv"), machines[i].hv_name());
    EXPECT_EQ(c.at("passed"), true) << c.at("reasons").dump(2);
    EXPECT_EQ(c.at("reasons"), json::array());
    ASSERT_EQ(c.at("commands").size(), 2u);
    for (const json& command : c.at("commands")) {
      const std::string line = command;
      EXPECT_NE(line.find("altpv-vmm --hv " + machines[i].hv_name() + " --cpu " +
                          machines[i].model.cpu_arg),
                std::string::npos)
          << line;
    }
  }
}

TEST_F(ReportJson, WritesAddUp) {
  for (const json& c : report_.at("configurations")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    const json& w = c.at("writes");
    const bool pv = c.at("hv") == "pv";
    int by_path = 0;
    for (const auto& [path, count] : w.at("by_path").items()) {
      EXPECT_TRUE(path == "trap" || path == (pv ? "hypercall" : "emulated-insn")) << path;
      by_path += count.get<int>();
    }
    EXPECT_GT(w.at("announced").get<int>(), 0);
    EXPECT_EQ(by_path, w.at("logged").get<int>());
    EXPECT_EQ(w.at("announced").get<int>(),
              w.at("logged").get<int>() + w.at("dropped_by_policy").get<int>());
    EXPECT_EQ(w.at("dropped_by_policy").get<int>() > 0, pv);
  }
}

TEST_F(ReportJson, SitesAgreeWithTheirBytes) {
  for (const json& c : report_.at("configurations")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    const json& sites = c.at("sites");
    ASSERT_EQ(sites.size(), 2u);
    EXPECT_EQ(sites[0].at("name"), "wrmsr_ns_const");
    EXPECT_EQ(sites[1].at("name"), "rdmsr_var");
    for (const json& s : sites) {
      EXPECT_EQ(s.at("function"), "figure_altpv_" + s.at("name").get<std::string>());
      ASSERT_EQ(s.at("found"), true);
      const std::string old_bytes = s.at("old_bytes");
      const std::string new_bytes = s.at("new_bytes");
      const unsigned len = s.at("len");
      EXPECT_EQ(old_bytes.size(), 3 * len - 1);  // "0f 30 ..."
      EXPECT_EQ(new_bytes.size(), old_bytes.size());
      const bool original = s.at("choice") == "original";
      EXPECT_EQ(s.at("verdict"), original ? "unchanged" : "patched");
      EXPECT_EQ(old_bytes == new_bytes, original);
      EXPECT_FALSE(s.at("after").get<std::string>().empty());
      EXPECT_EQ(s.at("constant").is_null(), s.at("name") == "rdmsr_var");
    }
    EXPECT_EQ(sites[0].at("choice") == "alt 0 [pv] call", c.at("hv") == "pv");
  }
}

TEST_F(ReportJson, FiguresAreConsistent) {
  // Per (strategy, op, hv): the bytes come from the one guest ELF, and the
  // pv_ops paths do not depend on the CPU model, so those must not vary.
  std::map<std::string, json> same_everywhere;
  for (const json& c : report_.at("configurations")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    const std::string hv = c.at("hv");
    const json& figures = c.at("figures");
    // Every strategy for every op, but the hand-written stubs only for the
    // constant-index ops and the lean stubs not for the context switch.
    const std::size_t expected = figure_ops().size() * figure_strategies().size() - 3;
    ASSERT_EQ(figures.size(), expected);
    std::set<std::string> seen;
    for (const json& f : figures) {
      const std::string strategy = f.at("strategy"), op = f.at("op");
      SCOPED_TRACE(strategy + " " + op);
      seen.insert(strategy + " " + op);
      std::string function = "figure_" + strategy + "_" + op;
      if (strategy == "pvops_direct") {
        function = "figure_pvops_direct_" + std::string(hv == "pv" ? "pv_" : "native_") + op;
      } else if (strategy == "altpv_lean") {
        function = hv == "pv" ? "figure_altpv_lean_pv_" + op : "figure_altpv_" + op;
      }
      EXPECT_EQ(f.at("function"), function);
      const bool ret = f.at("ends_in_ret");
      EXPECT_EQ(f.at("bytes").get<unsigned>() + (ret ? 1 : 0), f.at("symbol_size").get<unsigned>());
      const std::string disassembly = f.at("disassembly");
      EXPECT_EQ(disassembly.ends_with("; ret"), ret) << disassembly;
      EXPECT_GT(f.at("insns").get<unsigned>(), 0u);
      EXPECT_TRUE(figure_measured(strategy, op));
      EXPECT_EQ(f.at("exits"), msr_accesses(op));
      if (strategy == "altpv" && (op == "wrmsr_ns_const" || op == "rdmsr_var")) {
        const json& site = c.at("sites")[op == "wrmsr_ns_const" ? 0 : 1];
        EXPECT_EQ(f.at("site_len"), site.at("len"));
        EXPECT_GE(f.at("bytes").get<unsigned>(), f.at("site_len").get<unsigned>());
      } else {
        EXPECT_TRUE(f.at("site_len").is_null());
      }
      const json bytes = {f.at("bytes"), f.at("symbol_size"), f.at("disassembly")};
      const auto [it, inserted] =
          same_everywhere.emplace(hv + " " + strategy + " " + op + " bytes", bytes);
      EXPECT_EQ(it->second, bytes) << "bytes differ between CPU models";
      if (!strategy.starts_with("altpv")) {
        const auto [it2, inserted2] =
            same_everywhere.emplace(hv + " " + strategy + " " + op + " insns", f.at("insns"));
        EXPECT_EQ(it2->second, f.at("insns")) << "a pv_ops cost changed with the CPU model";
      }
    }
    EXPECT_EQ(seen.size(), expected);
  }
}

// The privileged ops: both strategies for every op on every machine, bytes
// that agree with the symbol, no CPU model that changes a cost, and under
// hvm the instruction inline (no exit, no call in altpv's function).
TEST_F(ReportJson, PrivilegedFiguresAreConsistent) {
  std::map<std::string, json> same_everywhere;
  for (const json& c : report_.at("configurations")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    const std::string hv = c.at("hv");
    const json& figures = c.at("privileged_figures");
    const std::size_t expected = privileged_ops().size() * privileged_strategies().size();
    ASSERT_EQ(figures.size(), expected);
    std::set<std::string> seen;
    for (const json& f : figures) {
      const std::string strategy = f.at("strategy"), op = f.at("op");
      SCOPED_TRACE(strategy + " " + op);
      seen.insert(strategy + " " + op);
      EXPECT_EQ(f.at("function"), "figure_" + strategy + "_" + op);
      const bool ret = f.at("ends_in_ret");
      EXPECT_EQ(f.at("bytes").get<unsigned>() + (ret ? 1 : 0), f.at("symbol_size").get<unsigned>());
      EXPECT_GT(f.at("insns").get<unsigned>(), 0u);
      if (strategy == "altpv") {
        EXPECT_GE(f.at("bytes").get<unsigned>(), f.at("site_len").get<unsigned>());
        if (hv == "hvm") {
          EXPECT_EQ(f.at("exits"), 0);
          EXPECT_EQ(f.at("disassembly").get<std::string>().find("call"), std::string::npos);
        }
      }
      const json cost = {f.at("bytes"), f.at("insns"), f.at("exits")};
      const auto [it, inserted] = same_everywhere.emplace(hv + " " + strategy + " " + op, cost);
      EXPECT_EQ(it->second, cost) << "a cost changed with the CPU model";
    }
    EXPECT_EQ(seen.size(), expected);
  }
}

TEST_F(ReportJson, DifferentialsAndClaimsPassed) {
  const json& diff = report_.at("differential");
  ASSERT_EQ(diff.size(), testbed::report::cpu_models().size());
  for (std::size_t i = 0; i < diff.size(); ++i) {
    EXPECT_EQ(diff[i].at("cpu_model"), testbed::report::cpu_models()[i].name);
    EXPECT_EQ(diff[i].at("passed"), true) << diff[i].at("reasons").dump();
  }
  const json& claims = report_.at("claims");
  ASSERT_EQ(claims.size(), 9u);  // six on the MSR ops, three on the privileged ops
  for (const json& c : claims) {
    EXPECT_TRUE(c.at("statement").is_string());
    EXPECT_EQ(c.at("holds"), true) << c.dump(2);
    EXPECT_FALSE(c.at("evidence").empty());
  }
}

// live.json: the three live-key runs, each passed, with the guest's
// record, a toggle rate and the VMM's way of serialising the vCPUs.
TEST_F(ReportJson, LiveKeyRunsPassed) {
  std::ifstream in(out_ / "live.json");
  const json live = json::parse(in, nullptr, /*allow_exceptions=*/false);
  ASSERT_TRUE(live.is_object()) << "no readable " << (out_ / "live.json");
  EXPECT_EQ(live.at("passed"), true);
  const json& runs = live.at("runs");
  ASSERT_EQ(runs.size(), 3u);
  const std::set<std::string> modes = {"membarrier", "kick"};
  for (const json& r : runs) {
    EXPECT_EQ(r.at("passed"), true) << r.dump(2);
    EXPECT_EQ(modes.count(r.at("sync_mode").get<std::string>()), 1u) << r.dump(2);
    const json& k = r.at("record");
    EXPECT_EQ(k.at("wrong"), 0);
    EXPECT_EQ(k.at("vcpus_running").get<unsigned>() + 1, r.at("vcpus").get<unsigned>());
    EXPECT_EQ(k.at("syncs"), 3 * k.at("toggles").get<std::uint64_t>());
    EXPECT_GT(r.at("toggles_per_second").get<double>(), 0.0);
  }
  EXPECT_EQ(runs[1].at("record").at("sites"), "module");
}

}  // namespace
}  // namespace altpv::demo
