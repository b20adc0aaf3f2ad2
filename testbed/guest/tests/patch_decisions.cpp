// SPDX-License-Identifier: MIT
// patch.decisions: the engine ran at boot, decided every site sanely, and
// the sites below, once patched, return what the feature set implies. Each
// site loads a distinct constant, so the value read back names the bytes
// the site holds.
#include "altpv/linked_site_table.h"
#include "altpv/op_ids.h"
#include "altpv/site.h"
#include "boot_patching.h"
#include "expect.h"
#include "test_registry.h"

namespace guest {
namespace {

using altpv::Feature;

// The formatter would run each site's alternatives into one line.
// clang-format off
unsigned site_wrmsrns() {
  unsigned v;
  asm volatile(ALTPV_SITE_BEGIN
               ALTPV_ALT(ALTPV_FEATURE_WRMSRNS, "mov $1, %%eax")
               ALTPV_SITE_END(ALTPV_OP_NONE, "mov $0, %%eax")
               : "=a"(v));
  return v;
}

unsigned site_not_wrmsrns() {
  unsigned v;
  asm volatile(ALTPV_SITE_BEGIN
               ALTPV_ALT(ALTPV_NOT(ALTPV_FEATURE_WRMSRNS), "mov $2, %%eax")
               ALTPV_SITE_END(ALTPV_OP_NONE, "mov $0, %%eax")
               : "=a"(v));
  return v;
}

unsigned site_hypervisor() {
  unsigned v;
  asm volatile(ALTPV_SITE_BEGIN
               ALTPV_ALT(ALTPV_FEATURE_HYPERVISOR, "mov $3, %%eax")
               ALTPV_SITE_END(ALTPV_OP_NONE, "mov $0, %%eax")
               : "=a"(v));
  return v;
}

unsigned site_pv() {
  unsigned v;
  asm volatile(ALTPV_SITE_BEGIN
               ALTPV_ALT(ALTPV_FEATURE_PV, "mov $4, %%eax")
               ALTPV_SITE_END(ALTPV_OP_NONE, "mov $0, %%eax")
               : "=a"(v));
  return v;
}

// The first matching alternative wins, in the order written.
unsigned site_first_match() {
  unsigned v;
  asm volatile(ALTPV_SITE_BEGIN
               ALTPV_ALT(ALTPV_FEATURE_WRMSRNS, "mov $5, %%eax")
               ALTPV_ALT(ALTPV_FEATURE_HYPERVISOR, "mov $6, %%eax")
               ALTPV_SITE_END(ALTPV_OP_NONE, "mov $0, %%eax")
               : "=a"(v));
  return v;
}

// A call alternative matches only when the active backend has a stub for
// the site's op; none has one for this op, so selection moves on.
#define GUEST_OP_WITHOUT_STUB (ALTPV_OP_USER_BASE + 0xfff)

unsigned site_call_without_stub() {
  unsigned v;
  asm volatile(ALTPV_SITE_BEGIN
               ALTPV_ALT_CALL(ALTPV_COND_ALWAYS)
               ALTPV_ALT(ALTPV_COND_ALWAYS, "mov $7, %%eax")
               ALTPV_SITE_END(GUEST_OP_WITHOUT_STUB, "mov $0, %%eax")
               : "=a"(v));
  return v;
}
// clang-format on

void patch_decisions() {
  const BootPatching& boot = boot_patching();
  const altpv::ApplyStats& stats = boot.stats;
  const std::size_t table_size = altpv::linked_site_table(0, 0).size();
  EXPECT_TRUE(!stats.table_rejected);
  EXPECT_EQ(stats.sites, table_size);
  EXPECT_TRUE(stats.sites >= 6);  // at least the sites in this file
  EXPECT_EQ(boot.outcome_count, stats.sites);
  EXPECT_EQ(stats.patched + stats.unchanged + stats.refused, stats.sites);
  // Every site in this guest is well formed and held its original at boot:
  // refused sites would be an engine or toolchain bug.
  EXPECT_EQ(stats.refused, 0u);
  for (std::size_t i = 0; i < boot.outcome_count; ++i) {
    const SiteOutcome& o = boot.outcomes[i];
    EXPECT_EQ(o.verdict == altpv::Verdict::Refused, o.refusal != altpv::Refusal::None);
    // At boot a site holds its original, so choosing the original leaves it
    // unchanged and choosing an alternative patches it.
    if (o.verdict != altpv::Verdict::Refused) {
      EXPECT_EQ(o.verdict == altpv::Verdict::Unchanged, o.chosen == altpv::kOriginal);
    }
  }

  const altpv::FeatureSet f = boot.features;
  EXPECT_EQ(site_wrmsrns(), f.has(Feature::Wrmsrns) ? 1u : 0u);
  EXPECT_EQ(site_not_wrmsrns(), f.has(Feature::Wrmsrns) ? 0u : 2u);
  EXPECT_EQ(site_hypervisor(), f.has(Feature::Hypervisor) ? 3u : 0u);
  EXPECT_EQ(site_pv(), f.has(Feature::Pv) ? 4u : 0u);
  EXPECT_EQ(site_first_match(),
            f.has(Feature::Wrmsrns) ? 5u : (f.has(Feature::Hypervisor) ? 6u : 0u));
  EXPECT_EQ(site_call_without_stub(), 7u);
}

GUEST_TEST("patch.decisions", patch_decisions);

}  // namespace
}  // namespace guest
