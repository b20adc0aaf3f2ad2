// SPDX-License-Identifier: MIT
// canary.fail: a case that must fail, so that the machinery that turns a
// failed check into a failed run can be seen to work. Its ctest expects
// exactly this failure: the first message (the EXPECT's) as the test's, the
// ASSERT's printed as well, nothing after the ASSERT, and exit code 1.
// Only run= naming it runs it.
#include "expect.h"
#include "test_registry.h"

namespace altpv::guest {
namespace {

void canary_fail() {
  EXPECT_EQ(1 + 1, 3);
  ASSERT_TRUE(2 + 2 == 5);
  record_failure("ASSERT_TRUE did not return");
}

GUEST_TEST_BY_NAME("canary.fail", canary_fail);

}  // namespace
}  // namespace altpv::guest
