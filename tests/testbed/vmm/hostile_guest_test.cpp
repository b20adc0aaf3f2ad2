// SPDX-License-Identifier: MIT
// Boots each hostile guest with the real altpv-vmm and checks that it ends
// with the expected exit code and a clear report, never a crash or a hang.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

namespace {

struct Outcome {
  int exit_code;
  std::string output;  // stdout and stderr, interleaved
};

// Runs altpv-vmm with `args`, the guest path substituted for "GUEST".
Outcome run_vmm(const std::string& guest, std::vector<std::string> args) {
  std::string guest_path = std::string(ALTPV_HOSTILE_GUEST_DIR) + "/" + guest + ".elf";
  std::vector<std::string> argv = {ALTPV_VMM_PATH};
  for (std::string& a : args) argv.push_back(a == "GUEST" ? guest_path : a);
  std::vector<char*> cargv;
  for (std::string& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);

  int fds[2];
  EXPECT_EQ(pipe2(fds, O_CLOEXEC), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  pid_t pid;
  int err = posix_spawn(&pid, cargv[0], &actions, nullptr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  EXPECT_EQ(err, 0) << "spawn " << cargv[0];

  Outcome out{-1, ""};
  char buffer[4096];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) > 0;) out.output.append(buffer, n);
  close(fds[0]);
  int status = 0;
  if (err == 0 && waitpid(pid, &status, 0) == pid) {
    out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  return out;
}

class HostileGuest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access("/dev/kvm", R_OK | W_OK) != 0) GTEST_SKIP() << "/dev/kvm not available";
  }

  // Runs and checks the exit code and that each of `needles` is in the output.
  Outcome expect(const std::string& guest, std::vector<std::string> args, int exit_code,
                 const std::vector<std::string>& needles) {
    Outcome out = run_vmm(guest, std::move(args));
    EXPECT_EQ(out.exit_code, exit_code) << out.output;
    for (const std::string& n : needles) {
      EXPECT_NE(out.output.find(n), std::string::npos) << "missing \"" << n << "\" in:\n"
                                                       << out.output;
    }
    return out;
  }
};

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

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

TEST_F(HostileGuest, CountsThreeMovs) {
  std::string json = ::testing::TempDir() + "/count.json";
  expect("count", {"--count-insns", "--json", json, "GUEST"}, 0, {"Exit(0)"});
  EXPECT_NE(read_all(json).find("\"instructions\": 4"), std::string::npos) << read_all(json);
}

TEST_F(HostileGuest, CountsNothingWithoutCountInsns) {
  // The guest sees 0 instructions and reports Exit(100 + 0).
  expect("count", {"GUEST"}, 1, {"Exit(100)"});
}

TEST_F(HostileGuest, WrmsrnsEmulatedWhenModelHasIt) {
  std::string log = ::testing::TempDir() + "/wrmsrns.log";
  expect("wrmsrns", {"--cpu", "+wrmsrns", "--msr-log", log, "GUEST"}, 0, {"Exit(0)"});
  std::string text = read_all(log);
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
  std::string text = read_all(log);
  for (const char* path : {"\"path\":\"trap\"", "\"path\":\"emulated-insn\""}) {
    EXPECT_NE(text.find(path), std::string::npos) << text;
  }
  EXPECT_EQ(text.find("305419896"), std::string::npos) << "no entry for the unknown MSR";
}

TEST_F(HostileGuest, MsrBankAllPathsWithoutModel) {
  expect("msr_bank", {"--hv", "none", "GUEST"}, 0, {"Exit(0)"});
}

TEST_F(HostileGuest, UsageErrors) {
  expect("hello", {"--cpu", "+wrmsrns,+bogus", "GUEST"}, 2, {"+bogus"});
  expect("hello", {"--hv", "xen", "GUEST"}, 2, {"--hv"});
  expect("hello", {"--mem", "1", "GUEST"}, 2, {"--mem"});
}

TEST_F(HostileGuest, MalformedElfIsRejected) {
  std::string path = ::testing::TempDir() + "/not_an_elf.elf";
  std::ofstream(path) << "#!/bin/sh\necho nope\n";
  Outcome out = run_vmm("", {path});
  EXPECT_EQ(out.exit_code, 2) << out.output;
  EXPECT_NE(out.output.find("invalid guest ELF: truncated"), std::string::npos) << out.output;
}

}  // namespace
