// SPDX-License-Identifier: MIT
#include "panic.h"

#include "console.h"
#include "platform.h"

namespace altpv::guest {

// Distinct from a plain test failure (1), for whoever reads the VMM's report.
constexpr std::uint64_t kPanicExitCode = 2;

void panic(std::string_view what) {
  Line().out().str("guest: panic: ").str(what);
  // Nothing when no test is running; the exit below still fails the run.
  report_test_end(TestVerdict::Fail, what);
  exit_guest(kPanicExitCode);
}

}  // namespace altpv::guest
