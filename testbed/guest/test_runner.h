// SPDX-License-Identifier: MIT
// Runs the test cases the command line selects, reports each to the VMM
// (TestBegin, then TestPass, TestFail or TestSkip) and exits with the verdict.
//   list                 writes a `test_case` record per linked test (docs/testbed.md)
//   run=GLOB[,GLOB...]   runs the tests matching any glob (default: all but
//                        the by-name-only ones, which only their exact name
//                        selects); a glob that selects no test is a failure
#pragma once

#include "cmdline.h"

namespace altpv::guest {

[[noreturn]] void run_tests(const Cmdline& cmdline);

}  // namespace altpv::guest
