// SPDX-License-Identifier: MIT
// runner.glob: the matcher behind run= (`*`, `?`, literal characters).
#include "expect.h"
#include "glob.h"
#include "test_registry.h"

namespace altpv::guest {
namespace {

void runner_glob() {
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_TRUE(glob_match("*", "boot.report"));
  EXPECT_TRUE(glob_match("boot.report", "boot.report"));
  EXPECT_TRUE(!glob_match("boot.repor", "boot.report"));
  EXPECT_TRUE(!glob_match("boot.report", "boot.repor"));
  EXPECT_TRUE(glob_match("exception.*", "exception.fixup"));
  EXPECT_TRUE(!glob_match("exception.*", "smp.start"));
  EXPECT_TRUE(glob_match("*.start", "smp.start"));
  EXPECT_TRUE(glob_match("s?p.*t", "smp.start"));
  EXPECT_TRUE(!glob_match("s?p", "sp"));
  EXPECT_TRUE(glob_match("*a*b*", "xxaxxbxx"));  // needs backtracking
  EXPECT_TRUE(!glob_match("*a*b", "xxaxxbxxc"));
  EXPECT_TRUE(!glob_match("", "x"));
}

GUEST_TEST("runner.glob", runner_glob);

}  // namespace
}  // namespace altpv::guest
