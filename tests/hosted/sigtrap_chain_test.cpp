// SPDX-License-Identifier: MIT
// altpv's SIGTRAP handler passes every trap that is not a key switch's on
// to what the program had before: its handler, the default action (death
// by SIGTRAP), or "ignored" (a sent SIGTRAP; an int3 is forced and still
// kills, as without altpv). Fresh processes: the program's disposition must
// be set before altpv installs its handler.
#include <gtest/gtest.h>
#include <signal.h>

#include "run_program.h"

namespace altpv::testing {
namespace {

TEST(SigtrapChain, TheProgramsHandlerGetsEveryTrapThatIsNotOurs) {
  const ProgramRun run = run_helper({"trap", "handler"}, "");
  SCOPED_TRACE(run.output);
  ASSERT_EQ(run.exit_code, 0);
  EXPECT_EQ(field(run.output, "switch", "ok"), 1);
  EXPECT_EQ(field(run.output, "switch", "altpv_handler"), 1);
  EXPECT_EQ(field(run.output, "raised", "handler_calls"), 1);
  EXPECT_EQ(field(run.output, "int3", "handler_calls"), 2);
  EXPECT_EQ(field(run.output, "after", "switches"), 1);
}

TEST(SigtrapChain, WithoutAHandlerAForeignInt3StillKills) {
  const ProgramRun run = run_helper({"trap", "default"}, "");
  SCOPED_TRACE(run.output);
  EXPECT_EQ(field(run.output, "switch", "altpv_handler"), 1);
  EXPECT_EQ(run.signal, SIGTRAP);
  EXPECT_EQ(field(run.output, "raised", "handler_calls"), -1) << "the raised SIGTRAP kills first";
}

TEST(SigtrapChain, IgnoredMeansASentSigtrapIsIgnoredAndAnInt3StillKills) {
  const ProgramRun run = run_helper({"trap", "ignored"}, "");
  SCOPED_TRACE(run.output);
  EXPECT_EQ(field(run.output, "switch", "altpv_handler"), 1);
  EXPECT_EQ(field(run.output, "raised", "handler_calls"), 0);
  EXPECT_EQ(run.signal, SIGTRAP);
  EXPECT_EQ(field(run.output, "int3", "handler_calls"), -1);
}

}  // namespace
}  // namespace altpv::testing
