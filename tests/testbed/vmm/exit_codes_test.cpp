// SPDX-License-Identifier: MIT
// Every failure altpv-vmm documents (docs/vmm.md, "Exit codes") ends with
// its exit code and a message naming the problem. The guest's own verdicts
// (0, 1, 3, 4) are in hostile_guest_test.cpp; here are the usage errors, the
// output files, and the host's KVM.
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "vmm_process.h"

namespace altpv::vmm::testing {
namespace {

using ExitCodes = VmmTest;

struct UsageCase {
  std::vector<std::string> args;
  std::string message;
};

TEST_F(ExitCodes, UsageErrorsExitTwoNamingTheProblem) {
  const std::string long_word(1100, 'x');
  const std::vector<UsageCase> cases = {
      {{"--cpu", "+wrmsrns,+bogus", "GUEST"}, "unknown --cpu feature(s): +bogus (known: "},
      {{"--cpu", "+pv", "GUEST"}, "--cpu feature(s) pv are not CPUID bits"},
      {{"--hv", "xen", "GUEST"}, "--hv"},
      {{"--mem", "1", "GUEST"}, "--mem"},
      {{"--vcpus", "0", "GUEST"}, "--vcpus: Value 0 not in range 1 to 16"},
      {{"--vcpus", "17", "GUEST"}, "--vcpus: Value 17 not in range 1 to 16"},
      {{"--timeout", "nan", "GUEST"}, "--timeout: nan is not a number of seconds in (0, 1000000]"},
      {{"--timeout", "inf", "GUEST"}, "--timeout: inf is not a number of seconds"},
      {{"--timeout", "-1", "GUEST"}, "--timeout: -1 is not a number of seconds"},
      {{"--timeout", "0", "GUEST"}, "--timeout: 0 is not a number of seconds"},
      {{"--timeout", "1e10", "GUEST"}, "--timeout: 10000000000 is not a number of seconds"},
      {{"--timeout", "soon", "GUEST"}, "--timeout"},
      {{"--tick-us", "99", "GUEST"},
       "--tick-us: 99 is neither 0 (no timer) nor in [100, 10000000]"},
      {{"--tick-us", "10000001", "GUEST"}, "--tick-us: 10000001 is neither 0"},
      {{"--tick-us", "-5", "GUEST"}, "--tick-us"},
      {{"--require-pass", "", "GUEST"}, "--require-pass: empty test name"},
      {{"GUEST", "--", long_word}, "guest command line is longer than 1023 bytes"},
      {{"/nonexistent/guest.elf"}, "File does not exist: /nonexistent/guest.elf"},
      {{"--msr-log", "/nonexistent/dir/log", "GUEST"},
       "altpv-vmm: --msr-log /nonexistent/dir/log: cannot open for writing: No such file or "
       "directory"},
      {{"--json", "/nonexistent/dir/r.json", "GUEST"},
       "altpv-vmm: --json /nonexistent/dir/r.json: cannot open for writing: No such file or "
       "directory"},
      {{"--dump-text", "/nonexistent/dir/t.elf", "GUEST"},
       "altpv-vmm: --dump-text /nonexistent/dir/t.elf: cannot open for writing: No such file or "
       "directory"},
  };
  for (const UsageCase& c : cases) {
    VmmOutcome out = run_vmm("hello", c.args);
    EXPECT_EQ(out.exit_code, 2) << c.args[0] << ":\n" << out.output;
    EXPECT_NE(out.err.find(c.message), std::string::npos) << c.args[0] << ":\n" << out.output;
    EXPECT_EQ(out.out.find("hello from the guest"), std::string::npos) << "the guest never ran";
  }
}

TEST_F(ExitCodes, MalformedElfExitsTwo) {
  std::string path = ::testing::TempDir() + "/not_an_elf.elf";
  std::ofstream(path) << "#!/bin/sh\necho nope\n";
  VmmOutcome out = run_vmm("", {path});
  EXPECT_EQ(out.exit_code, 2) << out.output;
  EXPECT_NE(out.err.find("invalid guest ELF: truncated"), std::string::npos) << out.output;
}

// /dev/full opens but takes no bytes: the run itself passes, the result
// cannot be kept, and the exit code must say so.
TEST_F(ExitCodes, OutputThatCannotBeWrittenIsAVmmError) {
  expect("hello", {"--json", "/dev/full", "GUEST"}, 5,
         {"altpv-vmm: VMM error: cannot write --json /dev/full\n"});
  expect("hello", {"--dump-text", "/dev/full", "GUEST"}, 5,
         {"altpv-vmm: VMM error: cannot write --dump-text /dev/full\n"});
  expect("msr_bank", {"--msr-log", "/dev/full", "GUEST"}, 5,
         {"altpv-vmm: VMM error: cannot write --msr-log /dev/full\n"});
}

// The host's KVM, replaced for one run in a private mount namespace: no
// /dev/kvm at all is a skip (77), a /dev/kvm that is not KVM a VMM error (5).
// Needs unprivileged user namespaces (unshare -Urm).
VmmOutcome run_with_dev(const std::string& setup, std::vector<std::string> args) {
  return run_vmm("hello", std::move(args),
                 {"unshare", "-Urm", "sh", "-c", setup + " && exec \"$0\" \"$@\""});
}

class HostKvm : public VmmTest {
 protected:
  void SetUp() override {
    VmmTest::SetUp();
    if (IsSkipped()) return;
    // `true` ignores the altpv-vmm path run_vmm appends: only unshare is tried.
    VmmOutcome probe = run_vmm("", {}, {"unshare", "-Urm", "true"});
    if (probe.exit_code != 0) {
      GTEST_SKIP() << "unshare -Urm is not available: " << probe.output;
    }
  }
};

TEST_F(HostKvm, NoKvmDeviceExitsSeventySeven) {
  VmmOutcome out = run_with_dev("mount -t tmpfs none /dev", {"GUEST"});
  EXPECT_EQ(out.exit_code, 77) << out.output;
  EXPECT_NE(out.err.find("SKIP: /dev/kvm not available (cannot open /dev/kvm: No such file or "
                         "directory)"),
            std::string::npos)
      << out.output;
}

TEST_F(HostKvm, KvmDeviceThatIsNotKvmExitsFive) {
  VmmOutcome out = run_with_dev("mount --bind /dev/null /dev/kvm", {"GUEST"});
  EXPECT_EQ(out.exit_code, 5) << out.output;
  EXPECT_NE(out.err.find("altpv-vmm: VMM error: unexpected KVM API version"), std::string::npos)
      << out.output;
}

}  // namespace
}  // namespace altpv::vmm::testing
