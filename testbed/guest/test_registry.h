// SPDX-License-Identifier: MIT
// Guest test cases. Each is a record in the guest_tests section, so a test
// exists by being linked in, and the runner finds them all through the
// section bounds:
//
//   void boot_report() { EXPECT_EQ(...); }
//   GUEST_TEST("boot.report", boot_report);   // in the function's namespace
#pragma once

#include <span>

namespace altpv::guest {

struct TestCase {
  const char* name;  // "area.case"; what run= matches
  void (*run)();
};

// Every linked test, in link order.
std::span<const TestCase> registered_tests();

}  // namespace altpv::guest

#define GUEST_TEST(name, function)                                                             \
  [[gnu::used, gnu::section("guest_tests"),                                                    \
    gnu::aligned(8)]] static constexpr ::altpv::guest::TestCase guest_test_##function = {name, \
                                                                                         function}
