// SPDX-License-Identifier: MIT
// Guest test cases. Each is a record in the guest_tests section, so a test
// exists by being linked in, and the runner finds them all through the
// section bounds:
//
//   void boot_report() { EXPECT_EQ(...); }
//   GUEST_TEST("boot.report", boot_report);   // in the function's namespace
//
// GUEST_TEST_BY_NAME registers a case that only a run= word naming it exactly
// selects, never a glob (the default run=* included): a case that must end
// the guest, or must fail.
#pragma once

#include <span>

#include "platform.h"

namespace altpv::guest {

struct TestCase {
  const char* name;  // "area.case"; what run= matches
  void (*run)();
  bool by_name_only;
  Requires needs = Requires::Nothing;  // skipped where the platform lacks it
};

// Every linked test, in link order.
std::span<const TestCase> registered_tests();

}  // namespace altpv::guest

#define GUEST_TEST_RECORD(name, function, by_name_only)                                   \
  [[gnu::used, gnu::section("guest_tests"),                                               \
    gnu::aligned(8)]] static constexpr ::altpv::guest::TestCase guest_test_##function = { \
      name, function, by_name_only}
#define GUEST_TEST(name, function) GUEST_TEST_RECORD(name, function, false)
#define GUEST_TEST_BY_NAME(name, function) GUEST_TEST_RECORD(name, function, true)
// A case that needs more than a CPU (platform.h): elsewhere it is skipped,
// with what is missing as the reason.
#define GUEST_TEST_REQUIRES(name, function, requirement)                                  \
  [[gnu::used, gnu::section("guest_tests"),                                               \
    gnu::aligned(8)]] static constexpr ::altpv::guest::TestCase guest_test_##function = { \
      name, function, false, ::altpv::guest::Requires::requirement}
