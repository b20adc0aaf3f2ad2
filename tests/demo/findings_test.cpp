// SPDX-License-Identifier: MIT
// The demo's figure claims on findings built here: each holds on the
// numbers the README shows and fails when its own comparison is broken,
// and a failed claim fails the run, report.json and the summary.
#include <gtest/gtest.h>

#include "findings.h"
#include "report_json.h"
#include "summary_text.h"

namespace altpv::demo {
namespace {

using testbed::report::all_machines;
using testbed::report::Personality;

struct Counts {
  std::uint64_t altpv, indirect, direct;
  std::uint64_t stub = 0;  // 0: no hand-written stub figure for the op
  std::uint64_t lean = 0;  // 0: no lean-stub figure for the op
};

// The README's table: per machine, each op of figure_ops().
std::vector<MachineFindings> readme_figures() {
  std::vector<MachineFindings> machines;
  for (const MachineConfig& m : all_machines()) {
    const bool pv = m.hv == Personality::Pv;
    const std::uint64_t wr_native = m.model.msr_imm ? 3u : 6u;
    const Counts wr =
        pv ? Counts{19, 15, 15, 14, 30} : Counts{wr_native, 9, 9, wr_native, wr_native};
    const Counts rd = pv ? Counts{18, 9, 9, 0, 32} : Counts{6, 7, 7, 0, 6};
    const Counts rc = pv ? Counts{13, 10, 10, 10, 27} : Counts{4, 8, 8, 4, 4};
    const Counts cs = pv ? Counts{69, 89, 83} : Counts{45, 71, 61};
    MachineFindings f;
    f.machine = m;
    for (const auto& [op, c] : {std::pair{"wrmsr_ns_const", wr}, std::pair{"rdmsr_var", rd},
                                std::pair{"rdmsr_const", rc}, std::pair{"context_switch", cs}}) {
      const std::uint64_t x = msr_accesses(op);
      f.figures.push_back({"altpv", op, {}, std::nullopt, c.altpv, x});
      if (c.stub != 0) f.figures.push_back({"altpv_stub", op, {}, std::nullopt, c.stub, x});
      if (c.lean != 0) f.figures.push_back({"altpv_lean", op, {}, std::nullopt, c.lean, x});
      f.figures.push_back({"pvops_indirect", op, {}, std::nullopt, c.indirect, x});
      f.figures.push_back({"pvops_direct", op, {}, std::nullopt, c.direct, x});
    }
    machines.push_back(std::move(f));
  }
  return machines;
}

StrategyFigure& figure(std::vector<MachineFindings>& machines, const std::string& machine,
                       const std::string& strategy, const std::string& op) {
  for (MachineFindings& m : machines) {
    for (StrategyFigure& f : m.figures) {
      if (m.machine.name() == machine && f.strategy == strategy && f.op == op) return f;
    }
  }
  throw std::runtime_error("no figure " + machine + " " + strategy + " " + op);
}

// Which claims hold, in figure_claims' order.
std::vector<bool> holding(const std::vector<MachineFindings>& machines) {
  std::vector<bool> out;
  for (const Claim& c : figure_claims(machines)) out.push_back(c.holds);
  return out;
}

TEST(FigureClaims, HoldOnTheReadmeFigures) {
  const std::vector<Claim> claims = figure_claims(readme_figures());
  ASSERT_EQ(claims.size(), 6u);
  for (const Claim& c : claims) {
    EXPECT_TRUE(c.holds) << c.statement;
    EXPECT_FALSE(c.evidence.empty()) << c.statement;
  }
}

TEST(FigureClaims, EachFailsForItsOwnComparison) {
  using V = std::vector<bool>;
  auto native = readme_figures();
  figure(native, "base/hvm", "altpv", "rdmsr_var").insns = 8;  // more than direct's 7
  EXPECT_EQ(holding(native), (V{false, true, true, true, true, true}));
  auto native_stub = readme_figures();
  figure(native_stub, "base/hvm", "altpv_stub", "rdmsr_const").insns = 9;  // more than 8
  EXPECT_EQ(holding(native_stub), (V{false, true, true, true, true, true}));

  auto third = readme_figures();
  figure(third, "wrmsrns+msr_imm/hvm", "altpv", "wrmsr_ns_const").insns = 4;  // 12 > 9
  EXPECT_EQ(holding(third), (V{true, false, true, true, true, true}));
  auto half = readme_figures();
  figure(half, "wrmsrns+msr_imm/hvm", "pvops_direct", "wrmsr_ns_const").insns = 5;  // 6 > 5
  EXPECT_EQ(holding(half), (V{true, false, true, true, true, true}));

  auto exits = readme_figures();
  figure(exits, "wrmsrns/pv", "pvops_indirect", "rdmsr_var").exits = 2;
  EXPECT_EQ(holding(exits), (V{true, true, false, true, true, true}));
  auto switch_exits = readme_figures();
  figure(switch_exits, "base/hvm", "altpv", "context_switch").exits = 1;  // three writes
  EXPECT_EQ(holding(switch_exits), (V{true, true, false, true, true, true}));

  auto pv = readme_figures();
  figure(pv, "base/pv", "altpv", "wrmsr_ns_const").insns = 15;  // not more than direct
  EXPECT_EQ(holding(pv), (V{true, true, true, false, true, true}));
  auto twice = readme_figures();
  figure(twice, "base/pv", "altpv", "rdmsr_var").insns = 19;  // more than twice direct's 9
  EXPECT_EQ(holding(twice), (V{true, true, true, false, true, true}));
  auto lean = readme_figures();
  figure(lean, "wrmsrns/pv", "altpv_lean", "rdmsr_const").insns = 13;  // not more than altpv's
  EXPECT_EQ(holding(lean), (V{true, true, true, false, true, true}));

  auto stub = readme_figures();
  figure(stub, "base/pv", "altpv_stub", "wrmsr_ns_const").insns = 16;  // more than indirect's 15
  EXPECT_EQ(holding(stub), (V{true, true, true, true, false, true}));

  auto context_switch = readme_figures();
  figure(context_switch, "wrmsrns/pv", "altpv", "context_switch").insns = 83;  // direct's 83
  EXPECT_EQ(holding(context_switch), (V{true, true, true, true, true, false}));
}

TEST(FigureClaims, FailWithoutFiguresToCheck) {
  EXPECT_EQ(holding({}), (std::vector<bool>{false, false, false, false, false, false}));
  auto missing = readme_figures();
  missing[0].figures.erase(missing[0].figures.begin() + 8);  // base/hvm: pvops_direct rdmsr_var
  EXPECT_FALSE(figure_claims(missing)[0].holds);
  auto no_stub = readme_figures();
  no_stub[3].figures.erase(no_stub[3].figures.begin() + 1);  // base/pv: altpv_stub wrmsr_ns_const
  EXPECT_FALSE(figure_claims(no_stub)[3].holds);
  auto no_lean = readme_figures();
  no_lean[3].figures.erase(no_lean[3].figures.begin() + 2);  // base/pv: altpv_lean wrmsr_ns_const
  EXPECT_FALSE(figure_claims(no_lean)[3].holds);
}

TEST(FigureClaims, AFailedClaimFailsTheRunAndShows) {
  DemoFindings findings;
  findings.machines = readme_figures();
  findings.claims = figure_claims(findings.machines);
  EXPECT_TRUE(findings.passed());
  figure(findings.machines, "base/hvm", "altpv", "wrmsr_ns_const").insns = 10;
  findings.claims = figure_claims(findings.machines);
  EXPECT_FALSE(findings.passed());
  const nlohmann::json j = report_json(findings);
  EXPECT_FALSE(j.at("passed").get<bool>());
  EXPECT_FALSE(j.at("claims").at(0).at("holds").get<bool>());
  const std::string text = summary_claims(findings);
  EXPECT_NE(text.find("[FAILS] natively"), std::string::npos) << text;
  EXPECT_NE(text.find("NOT: base/hvm wrmsr_ns_const: altpv 10"), std::string::npos) << text;
}

// The privileged ops as this project's run counted them: {altpv, pv_ops}
// instructions and exits, natively and under pv.
struct PrivilegedCounts {
  const char* op;
  std::uint64_t native, native_pvops, pv, pv_exits, pvops;
};
constexpr PrivilegedCounts kPrivileged[] = {
    {"irq_disable", 2, 21, 1, 0, 22},  {"irq_enable", 2, 21, 3, 0, 26},
    {"save_fl", 3, 22, 2, 0, 26},      {"restore_fl", 4, 22, 6, 0, 25},
    {"read_cr2", 2, 21, 1, 0, 21},     {"read_cr3", 2, 3, 2, 0, 3},
    {"write_cr3", 2, 2, 5, 1, 6},      {"flush_tlb_one", 2, 2, 5, 1, 6},
    {"wbinvd", 2, 2, 5, 1, 7},         {"lazy_mmu_enter", 1, 1, 3, 0, 2},
    {"lazy_mmu_leave", 1, 1, 5, 0, 5}, {"set_pte", 4, 4, 15, 1, 17},
};

std::vector<MachineFindings> privileged_figures() {
  std::vector<MachineFindings> machines;
  for (const MachineConfig& m : all_machines()) {
    const bool pv = m.hv == Personality::Pv;
    MachineFindings f;
    f.machine = m;
    for (const PrivilegedCounts& c : kPrivileged) {
      const std::uint64_t x = pv ? c.pv_exits : 0;
      f.privileged.push_back({"altpv", c.op, {}, std::nullopt, pv ? c.pv : c.native, x});
      f.privileged.push_back(
          {"pvops_indirect", c.op, {}, std::nullopt, pv ? c.pvops : c.native_pvops, x});
    }
    machines.push_back(std::move(f));
  }
  return machines;
}

StrategyFigure& privileged(std::vector<MachineFindings>& machines, const std::string& machine,
                           const std::string& strategy, const std::string& op) {
  for (MachineFindings& m : machines) {
    for (StrategyFigure& f : m.privileged) {
      if (m.machine.name() == machine && f.strategy == strategy && f.op == op) return f;
    }
  }
  throw std::runtime_error("no figure " + machine + " " + strategy + " " + op);
}

std::vector<bool> privileged_holding(const std::vector<MachineFindings>& machines) {
  std::vector<bool> out;
  for (const Claim& c : privileged_claims(machines)) out.push_back(c.holds);
  return out;
}

TEST(PrivilegedClaims, HoldOnTheMeasuredFigures) {
  const std::vector<Claim> claims = privileged_claims(privileged_figures());
  ASSERT_EQ(claims.size(), 3u);
  for (const Claim& c : claims) {
    EXPECT_TRUE(c.holds) << c.statement;
    EXPECT_FALSE(c.evidence.empty()) << c.statement;
  }
}

TEST(PrivilegedClaims, EachFailsForItsOwnComparison) {
  using V = std::vector<bool>;
  auto native = privileged_figures();
  privileged(native, "base/hvm", "altpv", "read_cr3").insns = 4;  // more than pv_ops' 3
  EXPECT_EQ(privileged_holding(native), (V{false, true, true}));
  auto native_exit = privileged_figures();
  privileged(native_exit, "wrmsrns/hvm", "altpv", "irq_disable").exits = 1;
  EXPECT_EQ(privileged_holding(native_exit), (V{false, true, true}));

  auto long_inline = privileged_figures();
  privileged(long_inline, "base/pv", "altpv", "irq_enable").insns = 4;
  EXPECT_EQ(privileged_holding(long_inline), (V{true, false, true}));
  auto inline_exit = privileged_figures();
  privileged(inline_exit, "base/pv", "altpv", "read_cr2").exits = 1;
  EXPECT_EQ(privileged_holding(inline_exit), (V{true, false, true}));

  auto two_exits = privileged_figures();
  privileged(two_exits, "wrmsrns/pv", "altpv", "set_pte").exits = 2;
  EXPECT_EQ(privileged_holding(two_exits), (V{true, true, false}));
  auto longer = privileged_figures();
  privileged(longer, "wrmsrns/pv", "altpv", "write_cr3").insns = 7;  // more than pv_ops' 6
  EXPECT_EQ(privileged_holding(longer), (V{true, true, false}));
}

TEST(PrivilegedClaims, FailWithoutFiguresToCheck) {
  EXPECT_EQ(privileged_holding({}), (std::vector<bool>{false, false, false}));
  auto missing = privileged_figures();
  missing[0].privileged.pop_back();  // base/hvm: pv_ops set_pte
  EXPECT_FALSE(privileged_claims(missing)[0].holds);
}

}  // namespace
}  // namespace altpv::demo
