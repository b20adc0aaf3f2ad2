// SPDX-License-Identifier: MIT
// Hostile site tables: every malformed record gets its specific refusal and
// is never written, while a valid site in the same table is still patched.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <vector>

#include "altpv/patcher.h"
#include "recording_observer.h"
#include "recording_text_writer.h"
#include "sample_sites.h"
#include "site_table_builder.h"

namespace altpv::testing {
namespace {

const FeatureSet kFeatures = features({Feature::Wrmsrns});

// A table of one valid site and one victim that would be patched too, were
// it not for the damage a test does to it.
struct HostileTable {
  HostileTable() : valid(b.add(kWrmsrSite)), victim(b.add(kWrmsrSite)) {
    victim_text = b.address(victim);
  }

  ApplyStats apply_all() {
    std::vector<std::uint32_t> scratch(b.table().size());
    return apply(b.table(), kFeatures, nullptr, writer, scratch, &observer);
  }

  // The one write apply() may make: the valid site, to its chosen bytes.
  void expect_only_valid_site_written() {
    ASSERT_EQ(writer.writes.size(), 1u);
    EXPECT_EQ(writer.writes[0].address, b.address(valid));
    EXPECT_EQ(writer.writes[0].bytes, kWrmsrRendered[0]);
    EXPECT_FALSE(writer.touched(victim_text, kWrmsrSite.original.size()));
    EXPECT_EQ(writer.syncs, 1);
  }

  SiteTableBuilder b;
  std::size_t valid;
  std::size_t victim;
  std::uintptr_t victim_text;  // where the victim was before any damage
  RecordingTextWriter writer;
  RecordingObserver observer;
};

struct DamageCase {
  const char* name;
  std::function<void(SiteTableBuilder&, std::size_t)> damage;
  Refusal refusal;
};

using B = SiteTableBuilder;

const DamageCase kDamage[] = {
    {"site in altpv_repl", [](B& b, std::size_t v) { B::point(b.record(v).site, b.repl_begin()); },
     Refusal::SiteOutOfText},
    {"site before text",
     [](B& b, std::size_t v) { B::point(b.record(v).site, b.text_begin() - 4); },
     Refusal::SiteOutOfText},
    {"site across the end of text",
     [](B& b, std::size_t v) { B::point(b.record(v).site, b.text_end() - 2); },
     Refusal::SiteOutOfText},
    {"alts in altpv_repl", [](B& b, std::size_t v) { B::point(b.record(v).alts, b.repl_begin()); },
     Refusal::AltsOutOfRange},
    {"alts past altpv_alts", [](B& b, std::size_t v) { b.record(v).nalts = 200; },
     Refusal::AltsOutOfRange},
    {"alts misaligned by 1",
     [](B& b, std::size_t v) { B::point(b.record(v).alts, b.record(v).alts_address() + 1); },
     Refusal::AltsOutOfRange},
    {"alts misaligned by 2",
     [](B& b, std::size_t v) { B::point(b.record(v).alts, b.record(v).alts_address() + 2); },
     Refusal::AltsOutOfRange},
    {"replacement in text", [](B& b, std::size_t v) { B::point(b.alt(v, 0).repl, b.text_begin()); },
     Refusal::ReplOutOfRange},
    {"replacement across the end of altpv_repl",
     [](B& b, std::size_t v) { B::point(b.alt(v, 0).repl, b.repl_end() - 1); },
     Refusal::ReplOutOfRange},
    {"original copy in text", [](B& b, std::size_t v) { B::point(b.record(v).orig, b.address(v)); },
     Refusal::ReplOutOfRange},
    {"replacement longer than the site", [](B& b, std::size_t v) { b.alt(v, 2).len = 10; },
     Refusal::AltLongerThanSite},
    {"zero-length site", [](B& b, std::size_t v) { b.record(v).len = 0; }, Refusal::ZeroLength},
    {"site longer than the format allows",
     [](B& b, std::size_t v) { b.record(v).len = kMaxSiteLength + 1; }, Refusal::TooLong},
    {"unknown kind", [](B& b, std::size_t v) { b.alt(v, 1).kind = static_cast<AltKind>(7); },
     Refusal::BadAltKind},
    {"call of 3 bytes",
     [](B& b, std::size_t v) {
       b.alt(v, 0).kind = AltKind::Call;
       b.alt(v, 0).len = 3;
     },
     Refusal::BadAltKind},
    {"red-zone call of plain call length",
     [](B& b, std::size_t v) {
       b.alt(v, 0).kind = AltKind::CallSkipRedZone;
       b.alt(v, 0).len = ALTPV_CALL_LENGTH;
     },
     Refusal::BadAltKind},
    {"condition beyond the feature bits",
     [](B& b, std::size_t v) { b.alt(v, 3).cond = ALTPV_FEATURE_COUNT; }, Refusal::BadCondition},
    {"negated condition beyond the feature bits",
     [](B& b, std::size_t v) { b.alt(v, 3).cond = ALTPV_NOT(200); }, Refusal::BadCondition},
    {"condition on an unnamed bit", [](B& b, std::size_t v) { b.alt(v, 1).cond = 7; },
     Refusal::BadCondition},
    {"reserved byte set", [](B& b, std::size_t v) { b.record(v).reserved[2] = 1; },
     Refusal::ReservedBits},
    {"undefined flag bit", [](B& b, std::size_t v) { b.record(v).flags = 0x80; },
     Refusal::ReservedBits},
    {"undefined flag bit beside has-constant",
     [](B& b, std::size_t v) { b.record(v).flags = kSiteHasConstant | 0x02; },
     Refusal::ReservedBits},
};

TEST(HostileTable, UndamagedVictimIsPatched) {
  HostileTable t;
  const ApplyStats stats = t.apply_all();
  EXPECT_EQ(stats.patched, 2u);
  EXPECT_TRUE(t.writer.touched(t.victim_text, kWrmsrSite.original.size()));
}

TEST(HostileTable, EachDamageGetsItsRefusalAndNoWrite) {
  for (const DamageCase& c : kDamage) {
    SCOPED_TRACE(c.name);
    HostileTable t;
    c.damage(t.b, t.victim);

    const Decision planned = plan_site(t.b.table(), t.victim, kFeatures, nullptr);
    EXPECT_EQ(planned.verdict, Verdict::Refused);
    EXPECT_EQ(planned.refusal, c.refusal) << refusal_name(planned.refusal);

    const ApplyStats stats = t.apply_all();
    EXPECT_EQ(stats.sites, 2u);
    EXPECT_EQ(stats.patched, 1u);
    EXPECT_EQ(stats.refused, 1u);
    t.expect_only_valid_site_written();
    const std::optional<Decision> d = t.observer.at(t.b.record(t.victim).site_address());
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->verdict, Verdict::Refused);
    EXPECT_EQ(d->refusal, c.refusal) << refusal_name(d->refusal);
  }
}

// Overlaps and duplicates are properties of the table, found only by apply().
TEST(HostileTable, OverlappingSitesAreBothRefused) {
  HostileTable t;
  const std::size_t tail = t.b.add_overlapping(t.victim, 3);
  EXPECT_EQ(plan_site(t.b.table(), tail, kFeatures, nullptr).refusal, Refusal::None);

  const ApplyStats stats = t.apply_all();
  EXPECT_EQ(stats.refused, 2u);
  t.expect_only_valid_site_written();
  for (const std::size_t i : {t.victim, tail}) {
    const std::optional<Decision> d = t.observer.at(t.b.address(i));
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->refusal, Refusal::Overlap);
  }
}

// Not only neighbours: a long site covers two short ones that do not touch
// each other, and all three are refused. (Checking neighbours after sorting
// refused the long site and the first short one, and patched the second into
// the middle of the long site's code.)
TEST(HostileTable, EverySiteInsideALongerSiteIsRefused) {
  // xor %eax,%eax; xor %ecx,%ecx; nop; xor %edx,%edx; nop x3: whole
  // instructions at +2 and +5, so the short records are valid on their own.
  const B::Site outer_site{{0x31, 0xc0, 0x31, 0xc9, 0x90, 0x31, 0xd2, 0x90, 0x90, 0x90},
                           {B::bytes(ALTPV_COND_ALWAYS, {0xcc})},
                           0,
                           {}};
  SiteTableBuilder b;
  const std::size_t valid = b.add(kWrmsrSite);
  const std::size_t outer = b.add(outer_site);
  const std::size_t at2 = b.add_overlapping(outer, 2, 2);
  const std::size_t at5 = b.add_overlapping(outer, 5, 2);
  for (const std::size_t i : {at2, at5}) {
    // Each would be patched on its own: the outer site's int3 alternative.
    B::point(b.record(i).alts, reinterpret_cast<std::uintptr_t>(&b.alt(outer, 0)));
    b.record(i).nalts = 1;
    ASSERT_EQ(plan_site(b.table(), i, kFeatures, nullptr).verdict, Verdict::Patch);
  }
  RecordingTextWriter writer;
  RecordingObserver observer;
  std::vector<std::uint32_t> scratch(b.table().size());
  const ApplyStats stats = apply(b.table(), kFeatures, nullptr, writer, scratch, &observer);
  EXPECT_EQ(stats.refused, 3u);
  EXPECT_EQ(stats.patched, 1u);
  ASSERT_EQ(writer.writes.size(), 1u);
  EXPECT_EQ(writer.writes[0].address, b.address(valid));
  for (const std::size_t i : {outer, at2, at5}) {
    SCOPED_TRACE(i);
    const std::optional<Decision> d = observer.at(b.address(i));
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->refusal, Refusal::Overlap) << refusal_name(d->refusal);
  }
}

// Records over windows of one site at pseudo-random offsets and lengths:
// exactly the records that share a byte with another are refused, as an
// all-pairs comparison finds them.
TEST(HostileTable, OverlapsAreExactlyWhatAllPairsFind) {
  std::uint32_t seed = 12345;
  const auto next = [&seed](std::uint32_t n) {
    seed = seed * 1103515245u + 12345u;
    return (seed >> 16) % n;
  };
  for (int round = 0; round < 50; ++round) {
    SCOPED_TRACE(round);
    SiteTableBuilder b;
    const Bytes original(kMaxSiteLength, 0x90);
    const std::size_t whole = b.add(B::Site{original, {}, 0, {}});
    struct Window {
      std::size_t offset, len;
    };
    std::vector<Window> windows;
    const std::size_t count = 2 + next(20);
    for (std::size_t i = 0; i < count; ++i) {
      const std::size_t offset = next(kMaxSiteLength - 1);
      const std::size_t len = 1 + next(std::min<std::size_t>(8, kMaxSiteLength - offset));
      windows.push_back({offset, len});
      b.add_overlapping(whole, offset, len);
    }
    // The whole site's own record becomes one more window.
    windows.insert(windows.begin(), Window{0, 1});
    b.record(whole).len = 1;

    RecordingTextWriter writer;
    RecordingObserver observer;
    std::vector<std::uint32_t> scratch(b.table().size());
    const ApplyStats stats = apply(b.table(), kFeatures, nullptr, writer, scratch, &observer);
    ASSERT_EQ(observer.decisions.size(), windows.size());
    std::size_t refused = 0;
    for (const Decision& d : observer.decisions) {
      const Window w = windows[d.index];
      bool overlaps = false, duplicated = false;
      for (std::size_t j = 0; j < windows.size(); ++j) {
        if (j == d.index) continue;
        const Window o = windows[j];
        overlaps |= o.offset < w.offset + w.len && w.offset < o.offset + o.len;
        duplicated |= o.offset == w.offset && o.len == w.len;
      }
      const Refusal want =
          duplicated ? Refusal::Duplicate : (overlaps ? Refusal::Overlap : Refusal::None);
      EXPECT_EQ(d.refusal, want) << "window " << d.index << " at +" << w.offset << " len " << w.len
                                 << ": " << refusal_name(d.refusal);
      refused += overlaps ? 1 : 0;
    }
    EXPECT_EQ(stats.refused, refused);
    EXPECT_EQ(stats.unchanged, windows.size() - refused);
    EXPECT_TRUE(writer.writes.empty());
  }
}

TEST(HostileTable, DuplicatedRecordsAreBothRefused) {
  HostileTable t;
  t.b.add_duplicate(t.victim);
  const ApplyStats stats = t.apply_all();
  EXPECT_EQ(stats.refused, 2u);
  t.expect_only_valid_site_written();
  int duplicates = 0;
  for (const Decision& d : t.observer.decisions) {
    if (d.address == t.victim_text && d.refusal == Refusal::Duplicate) ++duplicates;
  }
  EXPECT_EQ(duplicates, 2);
}

TEST(HostileTable, ScratchSmallerThanTableRejectsEverything) {
  HostileTable t;
  std::vector<std::uint32_t> scratch(t.b.table().size() - 1);
  const ApplyStats stats = apply(t.b.table(), kFeatures, nullptr, t.writer, scratch, &t.observer);
  EXPECT_TRUE(stats.table_rejected);
  EXPECT_EQ(stats.patched, 0u);
  EXPECT_TRUE(t.writer.writes.empty());
  EXPECT_EQ(t.writer.syncs, 0);
  EXPECT_TRUE(t.observer.decisions.empty());
}

TEST(HostileTable, FailedWriteIsReportedAsRefused) {
  HostileTable t;
  t.writer.fail_at = t.victim_text;
  const ApplyStats stats = t.apply_all();
  EXPECT_EQ(stats.patched, 1u);
  EXPECT_EQ(stats.refused, 1u);
  const std::optional<Decision> d = t.observer.at(t.victim_text);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->verdict, Verdict::Refused);
  EXPECT_EQ(d->refusal, Refusal::WriteFailed);
}

// Swaps what records x and y describe, re-basing their self-relative offsets.
void swap_records(SiteTableBuilder& b, std::size_t x, std::size_t y) {
  struct Targets {
    std::uintptr_t site, orig, alts;
  };
  const auto targets = [&b](std::size_t i) {
    const SiteRecord& r = b.record(i);
    return Targets{r.site_address(), r.orig_address(), r.alts_address()};
  };
  const Targets tx = targets(x);
  const Targets ty = targets(y);
  const auto retarget = [&b](std::size_t i, const Targets& t) {
    B::point(b.record(i).site, t.site);
    B::point(b.record(i).orig, t.orig);
    B::point(b.record(i).alts, t.alts);
  };
  retarget(x, ty);
  retarget(y, tx);
}

TEST(Apply, ReportsEveryDecisionOnceInAddressOrder) {
  SiteTableBuilder b;
  for (int i = 0; i < 3; ++i) b.add(kWrmsrSite);
  swap_records(b, 0, 2);  // table order is no longer address order
  std::memcpy(b.text(1), kWrmsrRendered[0].data(), kWrmsrRendered[0].size());
  RecordingTextWriter writer;
  RecordingObserver observer;
  std::vector<std::uint32_t> scratch(b.table().size());
  const ApplyStats stats = apply(b.table(), kFeatures, nullptr, writer, scratch, &observer);
  EXPECT_EQ(stats.sites, 3u);
  EXPECT_EQ(stats.patched, 2u);
  EXPECT_EQ(stats.unchanged, 1u);
  ASSERT_EQ(observer.decisions.size(), 3u);
  const std::size_t expected_order[] = {2, 1, 0};
  for (std::size_t i = 0; i < observer.decisions.size(); ++i) {
    const Decision& d = observer.decisions[i];
    EXPECT_EQ(d.index, expected_order[i]);
    EXPECT_EQ(d.address, b.address(d.index));
    EXPECT_EQ(d.verdict, d.index == 1 ? Verdict::Unchanged : Verdict::Patch);
  }
}

TEST(Apply, SecondApplyWritesNothing) {
  HostileTable t;
  t.apply_all();
  RecordingTextWriter again;
  RecordingObserver observer;
  std::vector<std::uint32_t> scratch(t.b.table().size());
  const ApplyStats stats = apply(t.b.table(), kFeatures, nullptr, again, scratch, &observer);
  EXPECT_EQ(stats.unchanged, 2u);
  EXPECT_TRUE(again.writes.empty());
  EXPECT_EQ(again.syncs, 0);
  ASSERT_EQ(observer.decisions.size(), 2u);
  for (const Decision& d : observer.decisions) EXPECT_EQ(d.verdict, Verdict::Unchanged);
}

}  // namespace
}  // namespace altpv::testing
