// SPDX-License-Identifier: MIT
#include "test_registry.h"

extern "C" const altpv::guest::TestCase __start_guest_tests[];
extern "C" const altpv::guest::TestCase __stop_guest_tests[];

namespace altpv::guest {

std::span<const TestCase> registered_tests() {
  return {__start_guest_tests, __stop_guest_tests};
}

}  // namespace altpv::guest
