// SPDX-License-Identifier: MIT
// patch.decisions: the engine ran at boot, decided every site sanely, and
// the sites below, once patched, return what the machine implies. Each site
// loads a distinct constant, so the value read back names the bytes the site
// holds. What the machine has comes from the command line, never from the
// guest's own feature detection, which is part of what is under test:
//   expect.features=+wrmsrns,+hypervisor,-pv
// names each of the three features once, as the VMM's --cpu and --hv give
// them to the machine being booted.
#include "altpv/linked_site_table.h"
#include "altpv/op_ids.h"
#include "altpv/site.h"
#include "boot.h"
#include "boot_patching.h"
#include "expect.h"
#include "test_registry.h"

namespace altpv::guest {
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

struct ExpectedFeatures {
  bool wrmsrns, hypervisor, pv;
};

constexpr std::string_view kExpectUsage =
    "patch.decisions needs expect.features=(+|-)wrmsrns,(+|-)hypervisor,(+|-)pv on the guest "
    "command line: what the VMM's --cpu and --hv give the machine";

// Parses expect.features=; false unless it names each feature exactly once.
// Without the word the test skips (a bare run cannot say what to expect;
// ctest always passes it, and its --require-pass fails a skip); a malformed
// word is a failure.
bool expected_features(ExpectedFeatures& out) {
  const Cmdline::Value word = cmdline().value("expect.features");
  if (!word.found) {
    skip_test(kExpectUsage);
    return false;
  }
  struct Slot {
    std::string_view name;
    bool* value;
    bool seen;
  } slots[] = {{"wrmsrns", &out.wrmsrns, false},
               {"hypervisor", &out.hypervisor, false},
               {"pv", &out.pv, false}};
  for (std::string_view rest = word.value; !rest.empty();) {
    const std::size_t comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    bool known = false;
    for (Slot& s : slots) {
      if (item.size() != s.name.size() + 1 || item.substr(1) != s.name) continue;
      if (s.seen || (item[0] != '+' && item[0] != '-')) break;
      *s.value = item[0] == '+';
      s.seen = known = true;
    }
    if (!known) {
      record_failure(kExpectUsage);
      return false;
    }
  }
  for (const Slot& s : slots) {
    if (!s.seen) {
      record_failure(kExpectUsage);
      return false;
    }
  }
  return true;
}

void patch_decisions() {
  ExpectedFeatures want{};
  if (!expected_features(want)) return;
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

  // The detected set agrees with the machine...
  EXPECT_EQ(boot.features.has(Feature::Wrmsrns), want.wrmsrns);
  EXPECT_EQ(boot.features.has(Feature::Hypervisor), want.hypervisor);
  EXPECT_EQ(boot.features.has(Feature::Pv), want.pv);
  // ... and each site holds the alternative the machine implies.
  EXPECT_EQ(site_wrmsrns(), want.wrmsrns ? 1u : 0u);
  EXPECT_EQ(site_not_wrmsrns(), want.wrmsrns ? 0u : 2u);
  EXPECT_EQ(site_hypervisor(), want.hypervisor ? 3u : 0u);
  EXPECT_EQ(site_pv(), want.pv ? 4u : 0u);
  EXPECT_EQ(site_first_match(), want.wrmsrns ? 5u : (want.hypervisor ? 6u : 0u));
  EXPECT_EQ(site_call_without_stub(), 7u);
}

GUEST_TEST("patch.decisions", patch_decisions);

}  // namespace
}  // namespace altpv::guest
