// SPDX-License-Identifier: MIT
// RunState: the record of the guest's tests, its limit, and what
// --require-pass makes of it.
#include "run_state.h"

#include <gtest/gtest.h>

#include "guest_limits.h"

namespace altpv::vmm {
namespace {

TEST(RunState, KeepsAtMostTheTestLimit) {
  RunState state(true);
  for (std::size_t i = 0; i < limits::kTests; ++i) {
    ASSERT_TRUE(state.test_begin(0, "t" + std::to_string(i))) << i;
    ASSERT_TRUE(state.test_end(0, TestStatus::Pass, ""));
  }
  EXPECT_FALSE(state.test_begin(0, "one too many"));
  EXPECT_EQ(state.tests().size(), limits::kTests);
  EXPECT_FALSE(state.test_end(0, TestStatus::Fail, "")) << "the refused test is not running";
}

TEST(RunState, RequirementsAreMetOnlyByPasses) {
  RunState state(true);
  const std::vector<std::string> none;
  EXPECT_TRUE(state.unmet_requirements(none).empty());
  EXPECT_EQ(state.unmet_requirements(std::vector<std::string>{"a"}),
            (std::vector<std::string>{"no test began", "test a never began"}));

  state.test_begin(0, "a");
  state.test_end(0, TestStatus::Pass, "");
  state.test_begin(0, "b");
  state.test_end(0, TestStatus::Skip, "not here");
  state.test_begin(1, "c");
  state.test_end(1, TestStatus::Fail, "boom");
  state.test_begin(0, "d");
  EXPECT_TRUE(state.unmet_requirements(std::vector<std::string>{"a"}).empty());
  EXPECT_EQ(state.unmet_requirements(std::vector<std::string>{"a", "b", "c", "d", "e"}),
            (std::vector<std::string>{"test b did not pass: skip: not here",
                                      "test c did not pass: fail: boom",
                                      "test d began but never finished", "test e never began"}));
}

TEST(RunState, ATestThatRanTwiceMustPassBothTimes) {
  RunState state(true);
  state.test_begin(0, "smp");
  state.test_end(0, TestStatus::Pass, "");
  state.test_begin(1, "smp");
  state.test_end(1, TestStatus::Fail, "vCPU 1 disagrees");
  EXPECT_EQ(state.unmet_requirements(std::vector<std::string>{"smp"}),
            (std::vector<std::string>{"test smp did not pass: fail: vCPU 1 disagrees"}));
}

TEST(RunState, TheFirstEndWins) {
  RunState state(true);
  EXPECT_TRUE(state.record_end({EndKind::GuestExit, 0, "first", ""}));
  EXPECT_FALSE(state.record_end({EndKind::Timeout, 0, "second", ""}));
  EXPECT_EQ(state.end()->reason, "first");
}

}  // namespace
}  // namespace altpv::vmm
