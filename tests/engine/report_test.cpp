// SPDX-License-Identifier: MIT
// The decision report (its header, decision and summary lines, and the
// observer calls apply() makes for them) and the bounded TextBuffer under it.
#include "altpv/engine/report.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <set>
#include <string>

#include "altpv/engine/text_buffer.h"
#include "fake_backend.h"
#include "recording_observer.h"
#include "recording_text_writer.h"
#include "sample_sites.h"
#include "site_table_builder.h"

namespace altpv::testing {
namespace {

Decision patched_decision() {
  Decision d;
  d.index = 3;
  d.address = 0x401a2c;
  d.len = 4;
  d.chosen = 1;
  d.cond = ALTPV_FEATURE_RDPID;
  d.kind = AltKind::Bytes;
  d.verdict = Verdict::Patch;
  const std::uint8_t old_bytes[] = {0xb9, 0x7b, 0x00, 0x00};
  const std::uint8_t new_bytes[] = {0xf3, 0x0f, 0xc7, 0xf9};
  std::memcpy(d.old_bytes, old_bytes, sizeof old_bytes);
  std::memcpy(d.new_bytes, new_bytes, sizeof new_bytes);
  return d;
}

std::string format(const Decision& d, const char* where) {
  std::array<char, 512> buf;
  const std::size_t n = format_decision(d, where, buf.data(), buf.size());
  EXPECT_EQ(n, std::strlen(buf.data()));
  return buf.data();
}

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_NE((haystack).find(needle), std::string::npos) << (haystack)

TEST(Report, PatchedSiteShowsWhereWhatAndBytes) {
  const std::string line = format(patched_decision(), "read_aux+0xc");
  EXPECT_CONTAINS(line, "0x401a2c");
  EXPECT_CONTAINS(line, "<read_aux+0xc>");
  EXPECT_CONTAINS(line, "site 3");
  EXPECT_CONTAINS(line, "alt 1");
  EXPECT_CONTAINS(line, "[rdpid]");
  EXPECT_CONTAINS(line, "b9 7b 00 00 -> f3 0f c7 f9");
  EXPECT_CONTAINS(line, verdict_name(Verdict::Patch));
}

TEST(Report, NoSymbolNoBrackets) {
  const std::string line = format(patched_decision(), nullptr);
  EXPECT_CONTAINS(line, "0x401a2c");
  EXPECT_EQ(line.find('<'), std::string::npos) << line;
}

TEST(Report, ConstantIsShownWhenTheSiteHasOne) {
  Decision d = patched_decision();
  d.constant = 0x48;
  EXPECT_EQ(format(d, nullptr).find("0x48"), std::string::npos);
  d.has_constant = true;
  EXPECT_CONTAINS(format(d, nullptr), "0x48");
}

TEST(Report, OriginalIsNamedAsSuch) {
  Decision d = patched_decision();
  d.chosen = kOriginal;
  const std::string line = format(d, nullptr);
  EXPECT_CONTAINS(line, "original");
  EXPECT_EQ(line.find("alt "), std::string::npos) << line;
}

TEST(Report, RefusedSiteShowsTheReasonAndNoNewBytes) {
  Decision d = patched_decision();
  d.verdict = Verdict::Refused;
  d.refusal = Refusal::UnknownBytes;
  const std::string line = format(d, "f+0x1");
  EXPECT_CONTAINS(line, verdict_name(Verdict::Refused));
  EXPECT_CONTAINS(line, refusal_name(Refusal::UnknownBytes));
  EXPECT_CONTAINS(line, "b9 7b 00 00");
  EXPECT_EQ(line.find("->"), std::string::npos) << line;
}

TEST(Report, EveryRefusalHasItsOwnName) {
  std::set<std::string> names;
  for (int r = static_cast<int>(Refusal::None); r <= static_cast<int>(Refusal::NoSuchChoice); ++r) {
    EXPECT_TRUE(names.insert(refusal_name(static_cast<Refusal>(r))).second) << r;
  }
  EXPECT_EQ(names.count("?"), 0u);
}

TEST(Report, ConditionNames) {
  struct Case {
    std::uint16_t cond;
    const char* name;
  };
  const Case cases[] = {{ALTPV_FEATURE_WRMSRNS, "wrmsrns"},
                        {ALTPV_NOT(ALTPV_FEATURE_PV), "!pv"},
                        {ALTPV_COND_ALWAYS, "always"}};
  for (const Case& c : cases) {
    std::array<char, 32> buf;
    EXPECT_EQ(format_condition(c.cond, buf.data(), buf.size()), std::strlen(c.name));
    EXPECT_STREQ(buf.data(), c.name);
  }
}

TEST(Report, HeaderNamesTheFeaturesAndTheBackend) {
  const FakeBackend backend(0x1000);
  std::array<char, 128> buf;
  const FeatureSet f = features({Feature::Pv, Feature::Rdpid});
  const std::size_t n = format_report_header(f, &backend, buf.data(), buf.size());
  EXPECT_EQ(n, std::strlen(buf.data()));
  EXPECT_STREQ(buf.data(), "altpv: features rdpid,pv; backend fake");
  format_report_header({}, nullptr, buf.data(), buf.size());
  EXPECT_STREQ(buf.data(), "altpv: features none; backend none");
}

TEST(Report, SummaryCountsWhatTheSitesRun) {
  ApplyStats stats;
  stats.sites = 12;
  stats.patched = 4;  // 3 to an alternative, 1 restored to its original
  stats.unchanged = 7;
  stats.refused = 1;
  stats.original = 8;
  std::array<char, 128> buf;
  const std::size_t n = format_summary(stats, buf.data(), buf.size());
  EXPECT_EQ(n, std::strlen(buf.data()));
  EXPECT_STREQ(buf.data(), "altpv: 12 sites: 3 patched, 8 kept original, 1 refused (4 rewritten)");
  stats = {};
  stats.sites = 300;
  stats.table_rejected = true;
  format_summary(stats, buf.data(), buf.size());
  EXPECT_STREQ(buf.data(),
               "altpv: 300 sites: table rejected (more sites than scratch entries), nothing "
               "patched");
}

// Three passes over three sites that have no unconditional alternative: the
// summary follows what each pass did, from the observer calls apply() makes.
TEST(Report, ApplyOpensAndClosesEveryPass) {
  const SiteTableBuilder::Site site{
      {0x90, 0x90, 0x90},
      {SiteTableBuilder::bytes(ALTPV_FEATURE_SERIALIZE, {0x0f, 0x01, 0xe8})},
      ALTPV_OP_NONE,
      {}};
  SiteTableBuilder b;
  for (int i = 0; i < 3; ++i) b.add(site);
  std::vector<std::uint32_t> scratch(b.table().size());
  const FakeBackend backend(0x1000);
  const struct {
    FeatureSet features;
    const char* summary;
  } passes[] = {
      {{}, "altpv: 3 sites: 0 patched, 3 kept original, 0 refused (0 rewritten)"},
      {features({Feature::Serialize}),
       "altpv: 3 sites: 3 patched, 0 kept original, 0 refused (3 rewritten)"},
      {{}, "altpv: 3 sites: 0 patched, 3 kept original, 0 refused (3 rewritten)"},
  };
  for (const auto& pass : passes) {
    SCOPED_TRACE(pass.summary);
    RecordingTextWriter writer;
    RecordingObserver observer;
    const ApplyStats stats = apply(b.table(), pass.features, &backend, writer, scratch, &observer);
    EXPECT_EQ(observer.events, "sdddf");
    EXPECT_EQ(observer.features, pass.features);
    EXPECT_EQ(observer.backend, &backend);
    EXPECT_EQ(observer.stats.sites, stats.sites);
    EXPECT_EQ(observer.stats.original, stats.original);
    std::array<char, 128> buf;
    format_summary(observer.stats, buf.data(), buf.size());
    EXPECT_STREQ(buf.data(), pass.summary);
  }
  RecordingTextWriter writer;
  RecordingObserver observer;
  const ApplyStats stats =
      apply(b.table(), {}, nullptr, writer, std::span(scratch).first(2), &observer);
  EXPECT_TRUE(stats.table_rejected);
  EXPECT_EQ(observer.events, "sf");
  EXPECT_TRUE(observer.stats.table_rejected);
}

// Every buffer size, from none to more than enough: a NUL-terminated prefix
// of the full line, and not one byte written past the size given.
TEST(Report, TruncationIsSafeAtEverySize) {
  const Decision d = patched_decision();
  const std::string full = format(d, "read_aux+0xc");
  constexpr char kGuard = '#';
  for (std::size_t size = 0; size <= full.size() + 1; ++size) {
    SCOPED_TRACE(size);
    std::array<char, 512> buf;
    buf.fill(kGuard);
    const std::size_t n = format_decision(d, "read_aux+0xc", buf.data(), size);
    for (std::size_t i = size; i < buf.size(); ++i) ASSERT_EQ(buf[i], kGuard);
    if (size == 0) {
      EXPECT_EQ(n, 0u);
      continue;
    }
    EXPECT_EQ(n, std::min(full.size(), size - 1));
    EXPECT_EQ(buf[n], '\0');
    EXPECT_EQ(std::string(buf.data(), n), full.substr(0, n));
  }
}

TEST(TextBuffer, FormatsNumbersAndBytes) {
  std::array<char, 128> buf;
  TextBuffer out(buf.data(), buf.size());
  const std::uint8_t bytes[] = {0x0f, 0x30, 0xa0};
  out.dec(0)
      .chr(' ')
      .dec(18446744073709551615u)
      .chr(' ')
      .sdec(INT64_MIN)
      .chr(' ')
      .hex(0xab, 4)
      .chr(' ')
      .hex(0x123456789abcdef0, 20)
      .chr(' ')
      .bytes(bytes, 3);
  EXPECT_EQ(out.view(),
            "0 18446744073709551615 -9223372036854775808 00ab 123456789abcdef0 0f 30 a0");
  EXPECT_FALSE(out.truncated());
  EXPECT_STREQ(buf.data(), std::string(out.view()).c_str());
}

TEST(TextBuffer, TruncationKeepsTheTerminatorAndSaysSo) {
  std::array<char, 8> buf;
  buf.fill('#');
  TextBuffer out(buf.data(), 4);
  out.str("abcdef");
  EXPECT_TRUE(out.truncated());
  EXPECT_EQ(out.view(), "abc");
  EXPECT_STREQ(buf.data(), "abc");
  EXPECT_EQ(buf[4], '#');

  TextBuffer none(buf.data(), 0);
  none.str("x").dec(12);
  EXPECT_TRUE(none.truncated());
  EXPECT_EQ(none.length(), 0u);
  EXPECT_EQ(buf[0], 'a');
}

}  // namespace
}  // namespace altpv::testing
