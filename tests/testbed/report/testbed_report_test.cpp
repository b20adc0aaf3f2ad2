// SPDX-License-Identifier: MIT
// testbed_report without booting anything: the guest->host channel from the
// guest's own writer to the host's parser, the VMM's outputs, and each
// conformance check failing where its contract is broken. The memory checks
// use the guest ELF as built, whose text holds every site's original bytes.
#include <gtest/gtest.h>

#include <cstdio>

#include "altpv/engine/text_buffer.h"
#include "boot_plan.h"
#include "conformance.h"
#include "guest_elf.h"
#include "guest_output.h"
#include "inspected_file.h"
#include "json_writer.h"

namespace altpv::testbed::report {
namespace {

const MachineConfig kBaseHvm{cpu_models()[0], Personality::Hvm};
const MachineConfig kWrmsrnsHvm{cpu_models()[1], Personality::Hvm};
const MachineConfig kImmHvm{cpu_models()[2], Personality::Hvm};
const MachineConfig kImmPv{cpu_models()[2], Personality::Pv};

// What the guest would write: its own writer, on the host.
template <typename Fill>
std::string record(std::string_view type, Fill fill) {
  char buf[4096];
  TextBuffer text(buf, sizeof buf);
  guest::JsonObject object(text, type);
  fill(object);
  object.close();
  EXPECT_FALSE(text.truncated());
  return std::string(text.view()) + "\n";
}

std::string expected_write(const char* op, std::uint32_t msr, std::uint64_t value) {
  return record("expected_write",
                [&](guest::JsonObject& o) { o.str("op", op).hex("msr", msr).hex("value", value); });
}

std::string figure(const char* strategy, const char* op, unsigned insns, unsigned exits) {
  return record("figure", [&](guest::JsonObject& o) {
    o.str("strategy", strategy).str("op", op).num("insns", insns).num("exits", exits);
  });
}

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

// The announced writes of a small workload: one serialising, one WRMSRNS
// with a constant index, one to the MSR pv drops.
const std::string kWorkload = expected_write("wrmsr", 0x40000100, 0) +
                              "guest: text for people, not a record\n" +
                              expected_write("wrmsr_ns_const", 0x40000100, ~std::uint64_t{0}) +
                              expected_write("wrmsr_lohi", 0x40000103, 5);

std::vector<ExpectedWrite> workload() {
  return parse_guest_output(kWorkload).expected_writes;
}

TEST(GuestChannel, EveryByteOfAStringSurvivesTheTrip) {
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  const GuestOutput out =
      parse_guest_output(record("test_case", [&](guest::JsonObject& o) { o.str("name", all); }));
  ASSERT_EQ(out.test_cases.size(), 1u);
  // Bytes above 0x7e are written as their Latin-1 reading, in UTF-8.
  std::string want;
  for (int c = 0; c < 256; ++c) {
    if (c < 0x80) {
      want += static_cast<char>(c);
    } else {
      want += static_cast<char>(0xc0 | (c >> 6));
      want += static_cast<char>(0x80 | (c & 0x3f));
    }
  }
  EXPECT_EQ(out.test_cases[0], want);
}

TEST(GuestChannel, DecisionRecordsRoundTrip) {
  const std::uint8_t old_bytes[] = {0x2e, 0x0f, 0x30};
  const std::uint8_t new_bytes[] = {0x0f, 0x01, 0xc6};
  const GuestOutput out = parse_guest_output(
      record("decision",
             [&](guest::JsonObject& o) {
               o.num("index", 3).hex("address", 0x1011a0).num("op", 2).hex("constant", 0x40000100);
               o.num("len", 3).num("chosen", 2).str("condition", "wrmsrns").str("kind", "bytes");
               o.str("verdict", "patched").null("refusal");
               o.bytes("old_bytes", old_bytes, 3).bytes("new_bytes", new_bytes, 3);
             }) +
      record("decision", [&](guest::JsonObject& o) {
        o.num("index", 4).hex("address", 0x1011c0).num("op", 3).null("constant").num("len", 3);
        o.null("chosen").null("condition").null("kind").str("verdict", "REFUSED");
        o.str("refusal", "site overlaps another site");
        o.bytes("old_bytes", old_bytes, 3).bytes("new_bytes", new_bytes, 0);
      }));
  ASSERT_EQ(out.decisions.size(), 2u);
  const DecisionRecord& d = out.decisions[0];
  EXPECT_EQ(d.index, 3u);
  EXPECT_EQ(d.address, 0x1011a0u);
  EXPECT_EQ(d.constant, 0x40000100u);
  EXPECT_EQ(d.choice(), "alt 2 [wrmsrns] bytes");
  EXPECT_EQ(d.new_bytes, (std::vector<std::uint8_t>{0x0f, 0x01, 0xc6}));
  EXPECT_TRUE(d.refusal.empty());
  EXPECT_EQ(out.decisions[1].choice(), "original");
  EXPECT_FALSE(out.decisions[1].constant.has_value());
  EXPECT_TRUE(out.decisions[1].refused());
  EXPECT_EQ(out.decisions[1].refusal, "site overlaps another site");
  EXPECT_TRUE(out.decisions[1].new_bytes.empty());
}

TEST(GuestChannel, OtherRecordsRoundTrip) {
  const GuestOutput out = parse_guest_output(
      kWorkload + figure("altpv", "wrmsr_ns_const", 3, 1) +
      record("patching",
             [](guest::JsonObject& o) {
               o.str("features", "wrmsrns,hypervisor").num("sites", 50).num("patched", 17);
               o.num("unchanged", 33).num("refused", 0);
             }) +
      record("exception",
             [](guest::JsonObject& o) {
               o.num("vector", 13).str("name", "#GP").hex("error_code", 0).hex("rip", 0x1053ec);
               o.hex("cr2", 0).num("vcpu", 1);
             }) +
      record(
          "live_keys",
          [](guest::JsonObject& o) {
            o.str("sites", "guest").num("vcpus_running", 4).num("toggles", 50);
            o.num("failed_switches", 0).num("calls", 9000).num("enabled", 4000);
            o.num("disabled", 5000).num("wrong", 0).boolean("add_up", true).num("syncs", 150);
            o.num("vcpus_in_guest", 400).num("writes", 300).num("int3_hits", 77).num("exits", 150);
            o.num("exits_io", 150).num("tsc_cycles", 123456789);
          }) +
      record("ticks", [](guest::JsonObject& o) { o.num("vcpu", 2).num("ticks", 7); }));
  ASSERT_EQ(out.expected_writes.size(), 3u);
  EXPECT_EQ(out.expected_writes[1].op, "wrmsr_ns_const");
  EXPECT_EQ(out.expected_writes[1].value, ~std::uint64_t{0});  // beyond a double
  ASSERT_EQ(out.figures.size(), 1u);
  EXPECT_EQ(out.figures[0].insns, 3u);
  ASSERT_TRUE(out.patching.has_value());
  EXPECT_EQ(out.patching->features, "wrmsrns,hypervisor");
  EXPECT_EQ(out.patching->unchanged, 33u);
  ASSERT_EQ(out.exceptions.size(), 1u);
  EXPECT_EQ(out.exceptions[0].name, "#GP");
  EXPECT_EQ(out.exceptions[0].rip, 0x1053ecu);
  EXPECT_EQ(out.exceptions[0].vcpu, 1u);
  ASSERT_EQ(out.live_keys.size(), 1u);
  EXPECT_EQ(out.live_keys[0].sites, "guest");
  EXPECT_EQ(out.live_keys[0].disabled, 5000u);
  EXPECT_TRUE(out.live_keys[0].add_up);
  EXPECT_EQ(out.live_keys[0].int3_hits, 77u);
  EXPECT_EQ(out.live_keys[0].tsc_cycles, 123456789u);
  ASSERT_EQ(out.ticks.size(), 1u);
  EXPECT_EQ(out.ticks[0].vcpu, 2u);
  EXPECT_EQ(out.ticks[0].ticks, 7u);
}

TEST(GuestChannel, MalformedRecordsAreErrors) {
  EXPECT_THROW(parse_guest_output("{\"type\":\"figure\",\"strategy\":\"altpv\"}\n"), ParseError);
  EXPECT_THROW(parse_guest_output("{\"type\":\"nonsense\"}\n"), ParseError);
  EXPECT_THROW(parse_guest_output("{\"type\":\"ticks\",\"vcpu\":0}\n"), ParseError);
  EXPECT_THROW(parse_guest_output("{\"type\":\"live_keys\",\"sites\":\"guest\",\"toggles\":1}\n"),
               ParseError);
  EXPECT_THROW(parse_guest_output("{\"type\":\"truncated\",\"of\":\"decision\"}\n"), ParseError);
  EXPECT_THROW(parse_guest_output("{\"type\":\"figure\", cut short\n"), ParseError);
  EXPECT_THROW(parse_guest_output(
                   record("expected_write",
                          [](guest::JsonObject& o) {
                            o.str("op", "wrmsr").num("msr", 1).hex("value", 2);  // msr must be hex
                          })),
               ParseError);
  EXPECT_THROW(parse_guest_output(record("patching",
                                         [](guest::JsonObject& o) {
                                           o.str("features", "").num("sites", 0).num("patched", 0);
                                           o.num("unchanged", 0).num("refused", 0);
                                         }) +
                                  record("patching",
                                         [](guest::JsonObject& o) {
                                           o.str("features", "").num("sites", 0).num("patched", 0);
                                           o.num("unchanged", 0).num("refused", 0);
                                         })),
               ParseError);
  EXPECT_NO_THROW(parse_guest_output("guest: panic: {not a record}\n"));
}

TEST(VmmOutputs, MsrLogAboveDoublePrecision) {
  const auto log = parse_msr_log(log_line(0, 0x40000100, 0xdeadbeefcafef00d, "trap") +
                                 log_line(1, 0x40000100, 1, "hypercall", "read"));
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].value, 0xdeadbeefcafef00du);
  EXPECT_TRUE(log[0].write);
  EXPECT_FALSE(log[1].write);
  EXPECT_EQ(writes_of(log).size(), 1u);
  EXPECT_THROW(parse_msr_log("{\"seq\":0}\n"), ParseError);
}

TEST(VmmOutputs, Result) {
  const auto r = parse_vmm_result(R"({"exit_code":0,"exit_reason":"guest-exit","message":"m",
      "guest_exit_code":0,"tests":[{"name":"msr.workload","status":"pass","message":"","vcpu":0}],
      "msrs":{"0x40000100":{"value":1,"hex":"0xffffffffffffffff"}},
      "counters":{"instructions":0,"exits":3,"exits_io":3,"exits_msr":0,"exits_emulated":0},
      "sync_cores":{"mode":"membarrier","calls":6,"vcpus_in_guest":4},"tsc_khz":2300000})");
  EXPECT_TRUE(r.guest_passed());
  EXPECT_EQ(r.sync_mode, "membarrier");
  EXPECT_EQ(r.sync_calls, 6u);
  EXPECT_EQ(r.sync_vcpus_in_guest, 4u);
  EXPECT_EQ(r.tsc_khz, 2300000u);
  EXPECT_EQ(r.msrs.at(0x40000100), ~std::uint64_t{0});
  EXPECT_TRUE(check_guest_passed(r, {"msr.workload"}).passed());
  EXPECT_FALSE(check_guest_passed(r, {"msr.safe"}).passed());
  EXPECT_THROW(parse_vmm_result(R"({"exit_code":0})"), ParseError);
}

TEST(Conformance, PathRulesFollowModelAndPersonality) {
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

TEST(Conformance, WritesMustMatchInOrderValueAndPath) {
  const auto expected = workload();
  const std::string good = log_line(0, 0x40000100, 0, "trap") +
                           log_line(1, 0x40000100, 0, "trap", "read") +
                           log_line(2, 0x40000100, ~std::uint64_t{0}, "emulated-insn") +
                           log_line(3, 0x40000103, 5, "trap");
  EXPECT_TRUE(check_writes(kWrmsrnsHvm, expected, parse_msr_log(good)).passed());
  // The same log on a model without WRMSRNS: the wrmsr_ns site should have trapped.
  const CheckResult wrong_path = check_writes(kBaseHvm, expected, parse_msr_log(good));
  ASSERT_EQ(wrong_path.failures.size(), 1u);
  EXPECT_NE(wrong_path.failures[0].find("arrived as emulated-insn"), std::string::npos);
  // A value that differs, a write missing, a write too many, an unknown form.
  EXPECT_FALSE(
      check_writes(kWrmsrnsHvm, expected, parse_msr_log(log_line(0, 0x40000100, 1, "trap")))
          .passed());
  EXPECT_FALSE(
      check_writes(kWrmsrnsHvm, expected, parse_msr_log(log_line(0, 0x40000100, 0, "trap")))
          .passed());
  EXPECT_FALSE(
      check_writes(kWrmsrnsHvm, expected, parse_msr_log(good + log_line(4, 0x40000101, 0, "trap")))
          .passed());
  EXPECT_FALSE(
      check_writes(kWrmsrnsHvm, {{"wrmsrx", 0x40000100, 0}}, parse_msr_log(good)).passed());
  EXPECT_FALSE(check_writes(kWrmsrnsHvm, {}, {}).passed());
  // Under pv the 0x40000103 write is dropped, so it must not be in the log.
  const std::string pv = log_line(0, 0x40000100, 0, "hypercall") +
                         log_line(1, 0x40000100, ~std::uint64_t{0}, "hypercall");
  EXPECT_TRUE(check_writes(kImmPv, expected, parse_msr_log(pv)).passed());
  EXPECT_FALSE(check_writes(kImmPv, expected, parse_msr_log(good)).passed());
}

TEST(Conformance, FinalBankHoldsTheLastWrite) {
  const auto expected = workload();
  VmmResult r;
  r.msrs = {{0x40000100, ~std::uint64_t{0}}, {0x40000103, 5}};
  EXPECT_TRUE(check_final_bank(kBaseHvm, expected, r).passed());
  r.msrs[0x40000100] = 0;
  EXPECT_FALSE(check_final_bank(kBaseHvm, expected, r).passed());
  r.msrs = {{0x40000100, ~std::uint64_t{0}}, {0x40000103, 0}};  // dropped under pv
  EXPECT_TRUE(check_final_bank(kImmPv, expected, r).passed());
}

TEST(Conformance, DifferentialIgnoresOnlyTheDocumentedDrops) {
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

TEST(Conformance, UntouchedMsr) {
  const auto log = parse_msr_log(log_line(0, 0x40000100, 1, "trap"));
  EXPECT_TRUE(check_untouched(log, 0x40000fff).passed());
  EXPECT_FALSE(check_untouched(log, 0x40000100).passed());
}

// The guest as built has never been patched: every site holds its original.
class UnpatchedGuest : public ::testing::Test {
 protected:
  static std::vector<DecisionRecord> plan(const FeatureSet& features) {
    std::vector<DecisionRecord> records;
    for (const Decision& d : inspect::plan_boot(file_.image, features, nullptr)) {
      records.push_back(decision_record(d));
    }
    return records;
  }
  static inline const inspect::InspectedFile file_{ALTPV_GUEST_PATH};
};

TEST_F(UnpatchedGuest, MemoryMustHoldWhatTheEngineReported) {
  // A truthful report of a boot that wrote nothing: every site unchanged.
  std::vector<DecisionRecord> nothing_written = plan(FeatureSet{});
  ASSERT_FALSE(nothing_written.empty());
  for (DecisionRecord& r : nothing_written) {
    r.chosen.reset();
    r.new_bytes = r.old_bytes;
    r.verdict = "unchanged";
  }
  const CheckResult ok = check_decisions_in_memory(nothing_written, file_.elf);
  EXPECT_TRUE(ok.passed()) << ok.failures[0];
  // Planned for WRMSRNS, sites are reported patched, but the file still
  // holds their originals: sites reported patched but never written.
  const std::vector<DecisionRecord> patched = plan(FeatureSet{}.set(Feature::Wrmsrns));
  const CheckResult unwritten = check_decisions_in_memory(patched, file_.elf);
  ASSERT_FALSE(unwritten.passed());
  EXPECT_NE(unwritten.failures[0].find("memory holds"), std::string::npos) << unwritten.failures[0];
  EXPECT_FALSE(check_decisions_in_memory({}, file_.elf).passed());
}

TEST_F(UnpatchedGuest, WrmsrNsConstSiteIsDecodedFromMemory) {
  const std::vector<DecisionRecord> original = plan(FeatureSet{});
  const CheckResult base = check_wrmsr_ns_const_site(file_.elf, original, kBaseHvm);
  EXPECT_TRUE(base.passed()) << base.failures[0];
  // The engine's report says WRMSRNS; memory holds CS WRMSR: both halves fail.
  const std::vector<DecisionRecord> patched = plan(FeatureSet{}.set(Feature::Wrmsrns));
  const CheckResult wrmsrns = check_wrmsr_ns_const_site(file_.elf, patched, kWrmsrnsHvm);
  ASSERT_EQ(wrmsrns.failures.size(), 1u) << wrmsrns.failures[0];
  EXPECT_NE(wrmsrns.failures[0].find("in memory"), std::string::npos) << wrmsrns.failures[0];
  // Memory right, the report wrong.
  const CheckResult report = check_wrmsr_ns_const_site(file_.elf, patched, kBaseHvm);
  ASSERT_EQ(report.failures.size(), 1u);
  EXPECT_NE(report.failures[0].find("the engine reported alt"), std::string::npos)
      << report.failures[0];
  EXPECT_FALSE(check_wrmsr_ns_const_site(file_.elf, original, kImmPv).passed());
}

TEST_F(UnpatchedGuest, CallSiteBytesLeaveOutTheReturn) {
  const CallSiteBytes b = call_site_bytes(file_.elf, kWrmsrNsConstFunction);
  EXPECT_EQ(b.bytes + (b.ends_in_ret ? 1 : 0), b.symbol_size);
  EXPECT_NE(b.disassembly.find("cs wrmsr"), std::string::npos) << b.disassembly;
  EXPECT_EQ(reference_function("pvops_direct", "rdmsr_var", Personality::Pv),
            "figure_pvops_direct_pv_rdmsr_var");
  EXPECT_EQ(reference_function("altpv_lean", "rdmsr_var", Personality::Pv),
            "figure_altpv_lean_pv_rdmsr_var");
  EXPECT_EQ(reference_function("altpv_lean", "rdmsr_var", Personality::Hvm),
            "figure_altpv_rdmsr_var");
  for (const Personality hv : {Personality::Hvm, Personality::Pv}) {
    EXPECT_GT(
        call_site_bytes(file_.elf, reference_function("altpv_lean", "rdmsr_const", hv)).symbol_size,
        0u);
  }
  EXPECT_THROW(call_site_bytes(file_.elf, "no_such_function"), std::runtime_error);
}

}  // namespace
}  // namespace altpv::testbed::report
