// SPDX-License-Identifier: MIT
// testbed_report on captured text: the parsers read what the guest and the
// VMM print, and the checks fail where the contract is broken.
#include <gtest/gtest.h>

#include "conformance.h"
#include "decision_lines.h"
#include "expected_decision.h"
#include "figure_lines.h"
#include "msr_expect.h"
#include "msr_log.h"
#include "parse_error.h"
#include "vmm_result.h"
#include "write_path.h"

namespace altpv::demo {
namespace {

const TestbedConfig kBaseHvm{cpu_models()[0], Personality::Hvm};
const TestbedConfig kWrmsrnsHvm{cpu_models()[1], Personality::Hvm};
const TestbedConfig kImmHvm{cpu_models()[2], Personality::Hvm};
const TestbedConfig kImmPv{cpu_models()[2], Personality::Pv};

constexpr const char* kConsole =
    "altpv: features wrmsrns,hypervisor\n"
    "altpv: site 3 @0x1011a0 op 2 const 0x40000100 len 17: alt 2 [wrmsrns] bytes | "
    "b9 00 01 00 40 48 89 c2 48 c1 ea 20 2e 0f 30 0f 1f -> "
    "b9 00 01 00 40 48 89 c2 48 c1 ea 20 0f 01 c6 66 90 patched\n"
    "altpv: site 4 @0x1011c0 op 3 len 2: original | 0f 32 -> 0f 32 unchanged\n"
    "altpv: site 5 @0x1011d0 <f+0x4> op 1 len 2: original | 0f 30 REFUSED: bad bytes\n"
    "msr-expect wrmsr 0x40000100 0x0\n"
    "msr-expect wrmsr_ns_const 0x40000100 0xffffffffffffffff\n"
    "msr-expect wrmsr_lohi 0x40000103 0x5\n"
    "figure altpv wrmsr_ns_const insns=3 exits=1\n"
    "figure pvops_direct rdmsr_var insns=12 exits=1\r\n";

std::string log_line(int seq, std::uint32_t msr, std::uint64_t value, const char* path,
                     const char* op = "write") {
  char buf[256];
  std::snprintf(
      buf, sizeof buf,
      R"({"seq":%d,"vcpu":0,"op":"%s","msr":%u,"value":%llu,"value_hex":"0x%llx","path":"%s"})",
      seq, op, msr, static_cast<unsigned long long>(value), static_cast<unsigned long long>(value),
      path);
  return std::string(buf) + "\n";
}

TEST(TestbedReport, ParsesMsrExpectLines) {
  const auto writes = parse_msr_expect(kConsole);
  ASSERT_EQ(writes.size(), 3u);
  EXPECT_EQ(writes[1].op, "wrmsr_ns_const");
  EXPECT_EQ(writes[1].msr, 0x40000100u);
  EXPECT_EQ(writes[1].value, ~std::uint64_t{0});
  EXPECT_THROW(parse_msr_expect("msr-expect wrmsr 0x40000100\n"), ParseError);
  EXPECT_THROW(parse_msr_expect("msr-expect wrmsrx 0x1 0x2\n"), ParseError);
  EXPECT_THROW(parse_msr_expect("msr-expect wrmsr 0x1 0xzz\n"), ParseError);
}

TEST(TestbedReport, ParsesDecisionLines) {
  const auto d = parse_decisions(kConsole);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0].index, 3u);
  EXPECT_EQ(d[0].address, 0x1011a0u);
  EXPECT_EQ(d[0].op, 2u);
  EXPECT_EQ(d[0].constant, 0x40000100u);
  EXPECT_EQ(d[0].len, 17u);
  EXPECT_EQ(d[0].choice(), "alt 2 [wrmsrns] bytes");
  EXPECT_EQ(d[0].new_bytes, "b9 00 01 00 40 48 89 c2 48 c1 ea 20 0f 01 c6 66 90");
  EXPECT_EQ(d[0].verdict, "patched");
  EXPECT_FALSE(d[1].constant.has_value());
  EXPECT_EQ(d[1].choice(), "original");
  EXPECT_EQ(d[1].old_bytes, "0f 32");
  EXPECT_EQ(d[2].new_bytes, "");
  EXPECT_EQ(d[2].verdict, "REFUSED: bad bytes");
  EXPECT_EQ(find_site_in(d, 0x1011a0, 0x1011b0), &d[0]);
  EXPECT_EQ(find_site_in(d, 0x101000, 0x102000), nullptr);  // several
  EXPECT_THROW(parse_decisions("altpv: site x @0x1 op 1 len 2: original | 0f 30 patched\n"),
               ParseError);
}

TEST(TestbedReport, ParsesFigureLines) {
  const auto f = parse_figures(kConsole);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].strategy, "altpv");
  EXPECT_EQ(f[0].insns, 3u);
  EXPECT_EQ(f[1].op, "rdmsr_var");
  EXPECT_EQ(f[1].insns, 12u);
  EXPECT_THROW(parse_figures("figure altpv wrmsr_ns_const exits=1 insns=3\n"), ParseError);
}

TEST(TestbedReport, ParsesMsrLogAboveDoublePrecision) {
  const auto log = parse_msr_log(log_line(0, 0x40000100, 0xdeadbeefcafef00d, "trap") +
                                 log_line(1, 0x40000100, 1, "hypercall", "read"));
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].value, 0xdeadbeefcafef00du);
  EXPECT_TRUE(log[0].write);
  EXPECT_FALSE(log[1].write);
  EXPECT_EQ(writes_of(log).size(), 1u);
  EXPECT_THROW(parse_msr_log("{\"seq\":0}\n"), ParseError);
}

TEST(TestbedReport, ParsesVmmResult) {
  const auto r = parse_vmm_result(R"({"exit_code":0,"exit_reason":"guest-exit","message":"m",
      "guest_exit_code":0,"tests":[{"name":"msr.workload","status":"pass","message":"","vcpu":0}],
      "msrs":{"0x40000100":{"value":1,"hex":"0xffffffffffffffff"}},
      "counters":{"instructions":0,"exits":3,"exits_io":3,"exits_msr":0,"exits_emulated":0}})");
  EXPECT_TRUE(r.guest_passed());
  EXPECT_EQ(r.msrs.at(0x40000100), ~std::uint64_t{0});
  EXPECT_TRUE(check_guest_passed(r, {"msr.workload"}).passed());
  EXPECT_FALSE(check_guest_passed(r, {"msr.safe"}).passed());
  EXPECT_THROW(parse_vmm_result(R"({"exit_code":0})"), ParseError);
}

TEST(TestbedReport, PathRulesFollowModelAndPersonality) {
  const ExpectedWrite ns_var{"wrmsr_ns", 0x40000101, 0};
  const ExpectedWrite ns_const{"wrmsr_ns_safe_const", 0x40000101, 0};
  EXPECT_EQ(expected_path(ns_var, kBaseHvm), WritePath::Trap);
  EXPECT_EQ(expected_path(ns_var, kWrmsrnsHvm), WritePath::EmulatedInsn);
  EXPECT_EQ(expected_path(ns_const, kBaseHvm), WritePath::Trap);
  EXPECT_EQ(expected_path(ns_const, kImmHvm), WritePath::EmulatedInsn);
  EXPECT_EQ(expected_path({"wrmsr_lohi", 0x40000103, 0}, kImmHvm), WritePath::Trap);
  EXPECT_EQ(expected_path(ns_var, kImmPv), WritePath::Hypercall);
  EXPECT_EQ(expected_path({"wrmsr_const", 0xc0000103, 7}, kImmPv), WritePath::Trap);
  EXPECT_EQ(expected_path({"wrmsr_lohi", 0x40000103, 5}, kImmPv), WritePath::Dropped);
}

TEST(TestbedReport, WritesMustMatchInOrderValueAndPath) {
  const auto expected = parse_msr_expect(kConsole);
  const std::string good = log_line(0, 0x40000100, 0, "trap") +
                           log_line(1, 0x40000100, 0, "trap", "read") +
                           log_line(2, 0x40000100, ~std::uint64_t{0}, "emulated-insn") +
                           log_line(3, 0x40000103, 5, "trap");
  EXPECT_TRUE(check_writes(kWrmsrnsHvm, expected, parse_msr_log(good)).passed());
  // The same log on a model without WRMSRNS: the wrmsr_ns site should have trapped.
  const Verdict wrong_path = check_writes(kBaseHvm, expected, parse_msr_log(good));
  ASSERT_EQ(wrong_path.reasons.size(), 1u);
  EXPECT_NE(wrong_path.reasons[0].find("arrived as emulated-insn"), std::string::npos);
  // A value that differs, a write missing, a write too many.
  const std::string bad_value = log_line(0, 0x40000100, 1, "trap");
  EXPECT_FALSE(check_writes(kWrmsrnsHvm, expected, parse_msr_log(bad_value)).passed());
  EXPECT_FALSE(
      check_writes(kWrmsrnsHvm, expected, parse_msr_log(log_line(0, 0x40000100, 0, "trap")))
          .passed());
  EXPECT_FALSE(
      check_writes(kWrmsrnsHvm, expected, parse_msr_log(good + log_line(4, 0x40000101, 0, "trap")))
          .passed());
  // Under pv the 0x40000103 write is dropped, so it must not be in the log.
  const std::string pv = log_line(0, 0x40000100, 0, "hypercall") +
                         log_line(1, 0x40000100, ~std::uint64_t{0}, "hypercall");
  EXPECT_TRUE(check_writes(kImmPv, expected, parse_msr_log(pv)).passed());
  EXPECT_FALSE(check_writes(kImmPv, expected, parse_msr_log(good)).passed());
}

TEST(TestbedReport, FinalBankHoldsTheLastWrite) {
  const auto expected = parse_msr_expect(kConsole);
  VmmResult r;
  r.msrs = {{0x40000100, ~std::uint64_t{0}}, {0x40000103, 5}};
  EXPECT_TRUE(check_final_bank(kBaseHvm, expected, r).passed());
  r.msrs[0x40000100] = 0;
  EXPECT_FALSE(check_final_bank(kBaseHvm, expected, r).passed());
  r.msrs = {{0x40000100, ~std::uint64_t{0}}, {0x40000103, 0}};  // dropped under pv
  EXPECT_TRUE(check_final_bank(kImmPv, expected, r).passed());
}

TEST(TestbedReport, DifferentialIgnoresOnlyTheDocumentedDrops) {
  const auto hvm =
      parse_msr_log(log_line(0, 0x40000100, 1, "trap") + log_line(1, 0x40000103, 2, "trap") +
                    log_line(2, 0xc0000103, 7, "trap"));
  const auto pv =
      parse_msr_log(log_line(0, 0x40000100, 1, "hypercall") + log_line(1, 0xc0000103, 7, "trap"));
  EXPECT_TRUE(check_differential(hvm, pv).passed());
  const auto pv_other =
      parse_msr_log(log_line(0, 0x40000100, 2, "hypercall") + log_line(1, 0xc0000103, 7, "trap"));
  EXPECT_FALSE(check_differential(hvm, pv_other).passed());
  EXPECT_FALSE(
      check_differential(hvm, parse_msr_log(log_line(0, 0x40000100, 1, "hypercall"))).passed());
}

TEST(TestbedReport, UntouchedMsr) {
  const auto log = parse_msr_log(log_line(0, 0x40000100, 1, "trap"));
  EXPECT_TRUE(check_untouched(log, 0x40000fff).passed());
  EXPECT_FALSE(check_untouched(log, 0x40000100).passed());
}

TEST(TestbedReport, ConstantWrmsrNsDecisionPerMachine) {
  const auto d = parse_decisions(kConsole);
  EXPECT_TRUE(check_wrmsr_ns_const_decision(&d[0], kWrmsrnsHvm).passed());
  EXPECT_FALSE(check_wrmsr_ns_const_decision(&d[0], kImmHvm).passed());
  EXPECT_FALSE(check_wrmsr_ns_const_decision(&d[0], kBaseHvm).passed());
  EXPECT_FALSE(check_wrmsr_ns_const_decision(&d[0], kImmPv).passed());
  EXPECT_FALSE(check_wrmsr_ns_const_decision(nullptr, kBaseHvm).passed());
  const auto original = parse_decisions(
      "altpv: site 3 @0x10 op 2 const 0x40000100 len 17: original | "
      "b9 00 01 00 40 48 89 c2 48 c1 ea 20 2e 0f 30 0f 1f -> "
      "b9 00 01 00 40 48 89 c2 48 c1 ea 20 2e 0f 30 0f 1f unchanged\n");
  EXPECT_TRUE(check_wrmsr_ns_const_decision(&original[0], kBaseHvm).passed());
}

}  // namespace
}  // namespace altpv::demo
