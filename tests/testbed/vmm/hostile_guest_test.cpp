// SPDX-License-Identifier: MIT
// Boots each hostile guest with the real altpv-vmm and checks that it ends
// with the expected exit code and a clear report, never a crash or a hang.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "vmm_process.h"

namespace altpv::vmm::testing {
namespace {

using HostileGuest = VmmTest;

TEST_F(HostileGuest, HelloPassesAndPrintsBothConsoles) {
  expect("hello", {"GUEST"}, 0, {"hello from the guest", "!\n", "guest called Exit(0)"});
}

TEST_F(HostileGuest, WildPointersGetBadPointer) {
  expect("wild_pointer", {"GUEST"}, 0, {"Exit(0)"});
}

TEST_F(HostileGuest, UnknownPortIsFatalWithReport) {
  expect("unknown_port", {"GUEST"}, 3,
         {"FAILED (crash)", "unknown I/O port 0x1234", "rip ", "bytes at rip"});
}

TEST_F(HostileGuest, UnknownHypercallReturnsBadNumber) {
  expect("unknown_hypercall", {"GUEST"}, 0, {"Exit(0)"});
}

TEST_F(HostileGuest, UnknownMsrGpWithoutIdtTripleFaults) {
  expect("unknown_msr", {"GUEST"}, 3,
         {"triple fault (KVM_EXIT_SHUTDOWN)", "rcx 0000000012345678", "bytes at rip"});
}

TEST_F(HostileGuest, TripleFaultIsReported) {
  expect("triple_fault", {"GUEST"}, 3, {"triple fault", "cr2 40000000000", "rip "});
}

TEST_F(HostileGuest, RunawayGuestHitsTimeout) {
  expect("spin", {"--timeout", "2", "GUEST"}, 4, {"FAILED (timeout)", "--timeout 2", "rip "});
}

TEST_F(HostileGuest, EventHypercallsCheckEveryArgumentUnderPv) {
  expect("events", {"--hv", "pv", "GUEST", "--", "p"}, 0, {"Exit(0)"});
}

TEST_F(HostileGuest, PvHypercallsAreNotPvUnderHvm) {
  expect("events", {"--hv", "hvm", "GUEST", "--", "h"}, 0, {"Exit(0)"});
}

// A halt nothing can wake ends the run at once with the reason, well before
// --timeout.
TEST_F(HostileGuest, BlockWithoutTimerIsReportedNotSlept) {
  VmmOutcome out = expect("halt", {"--hv", "pv", "--timeout", "20", "GUEST", "--", "b"}, 3,
                          {"FAILED (crash)", "blocked (Block hypercall) with nothing to wake it",
                           "no timer: --tick-us is 0"});
  EXPECT_LT(out.seconds, 10);
}

TEST_F(HostileGuest, HaltWithInterruptsOffIsReportedNotSlept) {
  VmmOutcome out =
      expect("halt", {"--tick-us", "1000", "--timeout", "20", "GUEST", "--", "c"}, 3,
             {"FAILED (crash)", "halted (HLT) with nothing to wake it (interrupts disabled)"});
  EXPECT_LT(out.seconds, 10);
}

TEST_F(HostileGuest, TickWithoutIdtTripleFaults) {
  expect("halt", {"--tick-us", "1000", "GUEST", "--", "i"}, 3,
         {"FAILED (crash)", "triple fault (KVM_EXIT_SHUTDOWN)"});
}

TEST_F(HostileGuest, CountsThreeMovs) {
  std::string json = ::testing::TempDir() + "/count.json";
  expect("count", {"--count-insns", "--json", json, "GUEST"}, 0, {"Exit(0)"});
  EXPECT_NE(read_file(json).find("\"instructions\": 4"), std::string::npos) << read_file(json);
}

TEST_F(HostileGuest, CountsNothingWithoutCountInsns) {
  // The guest sees 0 instructions and reports Exit(100 + 0).
  expect("count", {"GUEST"}, 1, {"Exit(100)"});
}

TEST_F(HostileGuest, WrmsrnsEmulatedWhenModelHasIt) {
  std::string log = ::testing::TempDir() + "/wrmsrns.log";
  expect("wrmsrns", {"--cpu", "+wrmsrns", "--msr-log", log, "GUEST"}, 0, {"Exit(0)"});
  std::string text = read_file(log);
  EXPECT_NE(text.find("\"op\":\"write\",\"msr\":1073742084,\"value\":81985530312454157,"
                      "\"value_hex\":\"0x1234567cafef00d\",\"path\":\"emulated-insn\""),
            std::string::npos)
      << text;
}

TEST_F(HostileGuest, WrmsrnsIsUdWhenModelLacksIt) {
  expect("wrmsrns", {"GUEST"}, 3, {"triple fault", "bytes at rip (gpa 0x10000f): 0f 01 c6"});
}

TEST_F(HostileGuest, WrmsrnsViaUdInjectsUd) {
  expect("wrmsrns", {"--cpu", "+wrmsrns", "--emulate-via-ud", "GUEST"}, 3, {"triple fault"});
}

TEST_F(HostileGuest, MsrBankAllPathsWithModel) {
  std::string log = ::testing::TempDir() + "/msr_bank.log";
  expect("msr_bank", {"--cpu", "+wrmsrns,+msr_imm", "--msr-log", log, "GUEST"}, 0, {"Exit(0)"});
  std::string text = read_file(log);
  for (const char* path : {"\"path\":\"trap\"", "\"path\":\"emulated-insn\""}) {
    EXPECT_NE(text.find(path), std::string::npos) << text;
  }
  EXPECT_EQ(text.find("305419896"), std::string::npos) << "no entry for the unknown MSR";
}

TEST_F(HostileGuest, MsrBankAllPathsWithoutModel) {
  expect("msr_bank", {"--hv", "none", "GUEST"}, 0, {"Exit(0)"});
}

// A vCPU other than the bootstrap one ends the run while the bootstrap vCPU
// is busy with hypercalls. Ending the run once signalled threads that the
// main thread was joining: a fixed number of runs per vCPU count makes the
// race show (it did in about a third of the runs) without making the test
// depend on chance to pass.
constexpr int kRaceRuns = 20;

TEST_F(HostileGuest, ApThatExitsEndsTheRunCleanly) {
  for (const char* vcpus : {"2", "4", "8"}) {
    for (int run = 0; run < kRaceRuns; ++run) {
      VmmOutcome out = run_vmm("ap_ends_run", {"--vcpus", vcpus, "GUEST", "--", "exit"});
      ASSERT_EQ(out.exit_code, 0) << "run " << run << ", " << vcpus << " vCPUs:\n" << out.output;
      ASSERT_NE(out.err.find("PASS: vCPU 1: guest called Exit(0)"), std::string::npos)
          << out.output;
    }
  }
}

TEST_F(HostileGuest, ApThatCrashesEndsTheRunCleanly) {
  for (const char* vcpus : {"2", "4", "8"}) {
    for (int run = 0; run < kRaceRuns; ++run) {
      VmmOutcome out = run_vmm("ap_ends_run", {"--vcpus", vcpus, "GUEST", "--", "crash"});
      ASSERT_EQ(out.exit_code, 3) << "run " << run << ", " << vcpus << " vCPUs:\n" << out.output;
      ASSERT_NE(out.err.find("FAILED (crash): vCPU 1: access to unknown I/O port 0x99"),
                std::string::npos)
          << out.output;
    }
  }
}

// SyncCores: in kick mode each call waits until every vCPU that was in the
// guest left it (the guest checks the vCPUs the calls found in the guest
// against the exits an AP's window counted); in either mode two vCPUs may
// call it at once, and a vCPU may end the run while another waits in it. A
// hang would end as a timeout (exit 4). A few runs each: a kicked vCPU
// waits for its host thread to be scheduled, milliseconds on a loaded host.
constexpr int kSyncRuns = 3;

nlohmann::json sync_stats(const std::string& json_path) {
  return nlohmann::json::parse(read_file(json_path)).at("sync_cores");
}

TEST_F(HostileGuest, SyncCoresKickWaitsForEveryVcpuInTheGuest) {
  const std::string json = ::testing::TempDir() + "/sync_window.json";
  for (int run = 0; run < kSyncRuns; ++run) {
    VmmOutcome out = run_vmm("sync_cores", {"--vcpus", "2", "--sync-cores", "kick", "--json", json,
                                            "--timeout", "30", "GUEST", "--", "window"});
    ASSERT_EQ(out.exit_code, 0) << "run " << run << ":\n" << out.output;
    const nlohmann::json sync = sync_stats(json);
    EXPECT_EQ(sync.at("mode"), "kick");
    EXPECT_EQ(sync.at("calls"), 100);  // SYNCS in sync_cores.S
  }
}

TEST_F(HostileGuest, SyncCoresFromEveryVcpuAtOnce) {
  const std::string json = ::testing::TempDir() + "/sync_concurrent.json";
  for (const char* mode : {"kick", "membarrier"}) {
    for (int run = 0; run < kSyncRuns; ++run) {
      VmmOutcome out = run_vmm("sync_cores", {"--vcpus", "4", "--sync-cores", mode, "--json", json,
                                              "--timeout", "30", "GUEST", "--", "concurrent"});
      ASSERT_EQ(out.exit_code, 0) << mode << " run " << run << ":\n" << out.output;
      const nlohmann::json sync = sync_stats(json);
      EXPECT_EQ(sync.at("mode"), mode);
      EXPECT_EQ(sync.at("calls"), 4 * 100);  // every vCPU calls SYNCS times
    }
  }
}

TEST_F(HostileGuest, SyncCoresWhileAnotherVcpuEndsTheRun) {
  for (const char* mode : {"kick", "membarrier"}) {
    for (int run = 0; run < kSyncRuns; ++run) {
      VmmOutcome out = run_vmm("sync_cores", {"--vcpus", "4", "--sync-cores", mode, "--timeout",
                                              "30", "GUEST", "--", "ends"});
      ASSERT_EQ(out.exit_code, 0) << mode << " run " << run << ":\n" << out.output;
      ASSERT_NE(out.err.find("PASS: vCPU 3: guest called Exit(0)"), std::string::npos)
          << out.output;
    }
  }
}

// Auto picks membarrier where the kernel offers it (the ring-0 live tests
// rely on it for their speed); the membarrier mode also counts the vCPUs
// each call found in the guest: the spinning AP, once per call.
TEST_F(HostileGuest, SyncCoresAutoUsesMembarrier) {
  const std::string json = ::testing::TempDir() + "/sync_auto.json";
  VmmOutcome out = run_vmm(
      "sync_cores", {"--vcpus", "2", "--json", json, "--timeout", "30", "GUEST", "--", "found"});
  ASSERT_EQ(out.exit_code, 0) << out.output;
  const nlohmann::json sync = sync_stats(json);
  EXPECT_EQ(sync.at("mode"), "membarrier");
  EXPECT_EQ(sync.at("calls"), 100);
  EXPECT_EQ(sync.at("vcpus_in_guest"), 100);
}

// Limits: whatever the guest floods, the VMM's memory and stderr stay small
// and the run ends at the limit with a message naming it. Memory is compared
// with a run that does nothing (sanitizers add their own), with room for
// what the limits allow the VMM to keep.
constexpr long kMaxRssGrowthKib = 32 * 1024;

long idle_rss_kib() {
  static const long rss = run_vmm("hello", {"GUEST"}).max_rss_kib;
  return rss;
}

TEST_F(HostileGuest, FloodOfTestsEndsAtTheTestLimit) {
  std::string json = ::testing::TempDir() + "/flood_tests.json";
  VmmOutcome out = expect("flood", {"--timeout", "20", "--json", json, "GUEST", "--", "tests"}, 3,
                          {"altpv-vmm: FAILED (limit): vCPU 0: the guest reached a VMM limit: "
                           "more than 1024 tests (TestBegin)",
                           "[cut: 44 more bytes]: fail: ", "[cut: 976 more bytes]\n",
                           "altpv-vmm:   ... and 992 more\n"});
  EXPECT_LT(out.err.size(), 2u << 20) << "1024 results of about 1.3 KB, 32 listed again";
  EXPECT_LT(out.max_rss_kib, idle_rss_kib() + kMaxRssGrowthKib);
  const auto result = nlohmann::json::parse(read_file(json));
  ASSERT_EQ(result["tests"].size(), 1024u);
  EXPECT_EQ(result["tests"][0]["name"].get<std::string>().size(), 256u + 21);
  EXPECT_EQ(result["exit_reason"], "limit");
}

TEST_F(HostileGuest, FloodOfConsoleOutputEndsAtTheConsoleLimit) {
  VmmOutcome out = expect("flood", {"--timeout", "20", "GUEST", "--", "console"}, 3,
                          {"FAILED (limit): vCPU 0: the guest reached a VMM limit: more than 16 "
                           "MiB of console output"});
  EXPECT_EQ(out.out.size(), 16u << 20) << "everything up to the limit, nothing after it";
  EXPECT_LT(out.max_rss_kib, idle_rss_kib() + kMaxRssGrowthKib);
}

TEST_F(HostileGuest, FloodOfLoggedMsrAccessesEndsAtTheLogLimit) {
  std::string log = ::testing::TempDir() + "/flood.log";
  VmmOutcome out = expect("flood", {"--timeout", "20", "--msr-log", log, "GUEST", "--", "msr"}, 3,
                          {"FAILED (limit): vCPU 0: the guest reached a VMM limit: more than "
                           "16384 MSR accesses to log (the --msr-log limit)"});
  const std::string text = read_file(log);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 16384) << "the log is cut at the limit";
}

// Nothing limits a stream of harmless hypercalls: --timeout ends the run, and
// within a second of it.
TEST_F(HostileGuest, FloodOfHypercallsEndsAtTheTimeout) {
  VmmOutcome out = expect("flood", {"--timeout", "1", "GUEST", "--", "hypercall"}, 4,
                          {"FAILED (timeout): guest still running after --timeout 1 s"});
  EXPECT_LT(out.seconds, 2.0);
  EXPECT_LT(out.err.size(), 4096u);
}

// The verdict is the VMM's: a guest that exits 0 cannot hide a failed,
// skipped or unfinished test, nor a test that never ran, from --require-pass.
TEST_F(HostileGuest, RequirePassAcceptsOnlyATestThatPassed) {
  expect("verdicts", {"--require-pass", "t", "GUEST", "--", "pass"}, 0,
         {"altpv-vmm: test t: pass\n", "altpv-vmm: PASS: vCPU 0: guest called Exit(0)\n"});
}

TEST_F(HostileGuest, FailThenExitZeroFails) {
  for (std::vector<std::string> require :
       {std::vector<std::string>{}, std::vector<std::string>{"--require-pass", "t"}}) {
    require.insert(require.end(), {"GUEST", "--", "fail"});
    VmmOutcome out = expect("verdicts", require, 1,
                            {"altpv-vmm: FAILED (guest-exit): vCPU 0: guest called Exit(0)\n"
                             "altpv-vmm: guest exited with 0 but a test failed or never finished\n",
                             "altpv-vmm:   test t: fail: boom\n"});
  }
}

TEST_F(HostileGuest, NoTestRanFailsUnderRequirePass) {
  expect("verdicts", {"GUEST", "--", "none"}, 0, {"PASS"});
  expect("verdicts", {"--require-pass", "t", "GUEST", "--", "none"}, 1,
         {"altpv-vmm: FAILED (guest-exit): vCPU 0: guest called Exit(0)\n"
          "altpv-vmm: --require-pass: no test began\n"
          "altpv-vmm: --require-pass: test t never began\n"});
}

TEST_F(HostileGuest, SkipFailsUnderRequirePass) {
  expect("verdicts", {"GUEST", "--", "skip"}, 0, {"altpv-vmm: test t: skip: not here\n"});
  expect("verdicts", {"--require-pass", "t", "GUEST", "--", "skip"}, 1,
         {"altpv-vmm: --require-pass: test t did not pass: skip: not here\n"});
}

TEST_F(HostileGuest, UnfinishedTestFails) {
  expect("verdicts", {"--require-pass", "t", "GUEST", "--", "unended"}, 1,
         {"altpv-vmm: --require-pass: test t began but never finished\n",
          "altpv-vmm:   test t: running\n"});
}

TEST_F(HostileGuest, RequirePassNamesEveryMissingTest) {
  expect("verdicts", {"--require-pass", "t,u", "--require-pass", "v", "GUEST", "--", "pass"}, 1,
         {"altpv-vmm: --require-pass: test u never began\n"
          "altpv-vmm: --require-pass: test v never began\n"});
}

// Test names and messages are the guest's bytes: --json stays valid JSON
// (bad UTF-8 becomes U+FFFD) and the run's verdict stays "test failed" (1);
// stderr gets escapes instead of terminal controls.
TEST_F(HostileGuest, GuestTextIsMadeSafeForJsonAndTerminal) {
  std::string json = ::testing::TempDir() + "/text.json";
  VmmOutcome out =
      expect("verdicts", {"--json", json, "GUEST", "--", "text"}, 1,
             {"altpv-vmm: test esc\\x1b[2J-\\x80-\\xc0\\xaf-\\xc2\\x9b-\xc3\xa9: fail: bell\\x07 "
              "nul\\x00 \\xff\\xfe end\n"});
  for (char c : out.err) {
    const auto b = static_cast<unsigned char>(c);
    ASSERT_TRUE(b == '\n' || b >= 0x20) << "control byte " << int{b} << " on stderr";
    ASSERT_NE(b, 0x9b) << "C1 CSI on stderr";
  }
  const auto result = nlohmann::json::parse(read_file(json));
  EXPECT_EQ(result["exit_code"], 1);
  const std::string fffd = "\xef\xbf\xbd";
  EXPECT_EQ(result["tests"][0]["name"],
            "esc\x1b[2J-" + fffd + "-" + fffd + fffd + "-\xc2\x9b-\xc3\xa9");
  EXPECT_EQ(result["tests"][0]["message"],
            std::string("bell\x07 nul\0 ", 11) + fffd + fffd + " end");
}

}  // namespace
}  // namespace altpv::vmm::testing
