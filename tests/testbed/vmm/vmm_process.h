// SPDX-License-Identifier: MIT
// Runs altpv-vmm as a child process, as a user would, and captures what the
// tests check: exit code, stdout and stderr, wall time and peak memory.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace altpv::vmm::testing {

struct VmmOutcome {
  int exit_code;       // 128 + signal when a signal ended it
  std::string out;     // stdout (the guest console)
  std::string err;     // stderr (the VMM's report)
  std::string output;  // out then err, for needles that may be in either
  double seconds;      // from spawn to exit
  long max_rss_kib;    // peak resident memory of the VMM
};

// The path of tests/testbed/vmm/guests/NAME.S as built.
std::string hostile_guest(const std::string& name);

// Runs `prefix... altpv-vmm args...` (prefix empty: altpv-vmm itself, found
// through PATH otherwise), with every "GUEST" in `args` replaced by the path
// of hostile guest `guest`.
VmmOutcome run_vmm(const std::string& guest, std::vector<std::string> args,
                   std::vector<std::string> prefix = {});

// Tests that boot guests: skipped without /dev/kvm.
class VmmTest : public ::testing::Test {
 protected:
  void SetUp() override;

  // Runs, checks the exit code and that each of `needles` is in the output.
  VmmOutcome expect(const std::string& guest, std::vector<std::string> args, int exit_code,
                    const std::vector<std::string>& needles);
};

std::string read_file(const std::string& path);

}  // namespace altpv::vmm::testing
