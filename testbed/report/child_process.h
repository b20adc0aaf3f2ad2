// SPDX-License-Identifier: MIT
// Runs a program as a child process and captures what it says: stdout,
// stderr and how it ended. Stops it when it overruns its time.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace altpv::demo {

struct ChildOutcome {
  std::string out;
  std::string err;
  int exit_code = -1;  // valid when the child exited
  int signal = 0;      // the signal that ended it, else 0
  bool timed_out = false;

  bool exited() const { return signal == 0 && !timed_out; }
};

// argv[0] is the program: a path, or a name looked up in PATH. Throws std::system_error when it
// cannot be started; a child that fails later shows in the outcome.
ChildOutcome run_child(const std::vector<std::string>& argv, std::chrono::seconds timeout);

}  // namespace altpv::demo
