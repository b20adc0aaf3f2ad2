// SPDX-License-Identifier: MIT
// Runs a test helper program as a fresh process (so that it loads, and is
// patched, under the environment given) and reads what it printed.
#pragma once

#include <string>
#include <vector>

namespace altpv::testing {

struct ProgramRun {
  std::string output;  // stdout and stderr, interleaved as written
  int exit_code = -1;  // when it exited
  int signal = 0;      // the signal that killed it, else 0
};

// `env` entries ("NAME=value") replace or add to this process's environment.
ProgramRun run_program(const std::vector<std::string>& argv, const std::vector<std::string>& env);

// process_helper (ALTPV_PROCESS_HELPER) with `args`, under
// ALTPV_FEATURES=`features`.
ProgramRun run_helper(const std::vector<std::string>& args, const std::string& features);

// The number after ` name=` on the output line that starts with `line:`;
// -1 when there is none.
long field(const std::string& output, const std::string& line, const std::string& name);

}  // namespace altpv::testing
