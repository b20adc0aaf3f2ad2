// SPDX-License-Identifier: MIT
// Keys in this process: sites follow their key, a switch costs three syncs,
// and a thread that meets a switch's int3 runs a whole state (the real
// SIGTRAP handler and out-of-line copy). Stress: key_stress.cpp; the
// handler's chaining: startup_test.cpp, in fresh processes.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "altpv/hosted/live_stats.h"
#include "altpv/linked_site_table.h"
#include "hosted/process_text_writer.h"
#include "key_test_sites.h"

namespace altpv::testing {
namespace {

class Keys : public ::testing::Test {
 protected:
  void TearDown() override {
    EXPECT_TRUE(g_toggled.disable().ok);
    EXPECT_TRUE(g_starts_enabled.enable().ok);
  }
};

TEST_F(Keys, SitesStartInTheirKeysState) {
  EXPECT_FALSE(g_toggled.enabled());
  EXPECT_EQ(value_site(), kValueDisabled);
  EXPECT_EQ(arithmetic_site(5), 5u ^ kXorDisabled);
  EXPECT_TRUE(g_starts_enabled.enabled());
  EXPECT_EQ(starts_enabled_site(), kStartsEnabledOn) << "switched on as the image loaded";
}

TEST_F(Keys, EnableAndDisableSwitchEverySiteOfTheKeyAndNoOther) {
  const KeySwitch on = g_toggled.enable();
  ASSERT_TRUE(on.ok) << on.error;
  EXPECT_EQ(on.sites, 2u);
  EXPECT_EQ(on.written, 2u);
  EXPECT_TRUE(g_toggled.enabled());
  EXPECT_EQ(value_site(), kValueEnabled);
  EXPECT_EQ(arithmetic_site(5), 5u + kAddEnabled);
  EXPECT_EQ(starts_enabled_site(), kStartsEnabledOn);

  const KeySwitch off = g_toggled.disable();
  ASSERT_TRUE(off.ok) << off.error;
  EXPECT_EQ(off.written, 2u);
  EXPECT_EQ(value_site(), kValueDisabled);
  EXPECT_EQ(arithmetic_site(5), 5u ^ kXorDisabled);

  ASSERT_TRUE(g_starts_enabled.disable().ok);
  EXPECT_EQ(starts_enabled_site(), kStartsEnabledOff);
  EXPECT_EQ(value_site(), kValueDisabled);
}

// Once the out-of-line copies exist, one switch (of two sites, one batch) is
// three membarrier syncs and, with no other thread running, no int3 hit.
TEST_F(Keys, OneSwitchCostsThreeSyncs) {
  ASSERT_TRUE(g_toggled.enable().ok);
  ASSERT_TRUE(g_toggled.disable().ok);
  const hosted::LiveStats before = hosted::live_stats();
  ASSERT_TRUE(g_toggled.enable().ok);
  const hosted::LiveStats after = hosted::live_stats();
  EXPECT_EQ(after.syncs - before.syncs, 3u);
  EXPECT_EQ(after.detours, before.detours);
  EXPECT_EQ(after.int3_hits, before.int3_hits);
  // Two int3s, two changed tails, two first bytes.
  EXPECT_EQ(after.writes - before.writes, 6u);
}

// The first key site at or after `function`'s entry, from this image's key
// table.
std::uintptr_t key_site_in(const void* function) {
  const KeyTable table = linked_key_table(0, UINTPTR_MAX);
  const auto start = reinterpret_cast<std::uintptr_t>(function);
  std::uintptr_t best = 0;
  for (const SiteRecord* r = table.sites.sites_begin; r != table.sites.sites_end; ++r) {
    const std::uintptr_t site = r->site_address();
    if (site >= start && (best == 0 || site < best)) best = site;
  }
  return best;
}

// A thread that executes the int3 of a switch in progress is sent to an
// out-of-line copy of the new state, which returns to the end of the site.
// The int3 is put there by hand, as the protocol's first step would.
TEST_F(Keys, AThreadThatMeetsTheInt3RunsTheNewState) {
  ASSERT_TRUE(g_toggled.enable().ok);  // makes the enabled copy; the route points at it
  const std::uintptr_t site = key_site_in(reinterpret_cast<const void*>(&value_site));
  ASSERT_NE(site, 0u);
  ASSERT_EQ(*reinterpret_cast<const std::uint8_t*>(site), 0xb8);
  hosted::ProcessTextWriter writer;
  const std::uint8_t int3 = 0xcc, mov = 0xb8;
  ASSERT_TRUE(writer.write(site, &int3, 1));
  writer.sync();
  const std::uint64_t hits = hosted::live_stats().int3_hits;
  EXPECT_EQ(value_site(), kValueEnabled);
  EXPECT_EQ(value_site(), kValueEnabled);
  EXPECT_EQ(hosted::live_stats().int3_hits, hits + 2);
  ASSERT_TRUE(writer.write(site, &mov, 1));
  writer.sync();
  EXPECT_EQ(value_site(), kValueEnabled);
  EXPECT_EQ(hosted::live_stats().int3_hits, hits + 2);
}

// /proc/self/mem names the process that opened it: a child of fork() that
// switches a key must write its own text, not its parent's.
TEST_F(Keys, AChildOfForkSwitchesItsOwnSites) {
  ASSERT_TRUE(g_toggled.enable().ok);  // the writer is open in this process
  ASSERT_TRUE(g_toggled.disable().ok);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const bool ok = g_toggled.enable().ok && value_site() == kValueEnabled;
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the child's switch failed";
  EXPECT_EQ(value_site(), kValueDisabled) << "the child wrote its parent's text";
  EXPECT_FALSE(g_toggled.enabled());
}

}  // namespace
}  // namespace altpv::testing
