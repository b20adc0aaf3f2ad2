// SPDX-License-Identifier: MIT
// One boot of the testbed: altpv-vmm as a child process with a given
// machine, guest command line and outputs, and everything it produced.
#pragma once

#include <string>
#include <vector>

#include "child_process.h"
#include "testbed_config.h"

namespace altpv::demo {

// The two binaries a boot needs.
struct Testbed {
  std::string vmm;    // altpv-vmm
  std::string guest;  // altpv-guest
};

struct VmmInvocation {
  TestbedConfig config;
  std::string run;                       // run=<glob>[,<glob>...]
  std::vector<std::string> guest_words;  // more words for the guest, e.g. altpv.debug
  bool count_insns = false;
  int timeout_seconds = 60;  // the VMM's own --timeout; the child gets a margin on top
};

struct VmmRun {
  std::vector<std::string> command;
  ChildOutcome child;       // stdout is the guest console
  std::string result_json;  // --json, empty if the VMM wrote none
  std::string msr_log;      // --msr-log
};

// Throws std::system_error when the VMM cannot be started or its output
// files cannot be set up.
VmmRun run_vmm(const Testbed& testbed, const VmmInvocation& invocation);

// The command as a shell line, for reports.
std::string command_line(const std::vector<std::string>& command);

}  // namespace altpv::demo
