// SPDX-License-Identifier: MIT
// The end of the guest when something is wrong outside any assertion: an
// unhandled exception, a bad boot block, a bad command line.
#pragma once

#include <string_view>

namespace altpv::guest {

// Prints `what`, fails the running test (if any) with it, and exits non-zero.
[[noreturn]] void panic(std::string_view what);

}  // namespace altpv::guest
