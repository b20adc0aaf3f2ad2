// SPDX-License-Identifier: MIT
// Feature names, override strings and their formatting.
#include "altpv/features.h"

#include <gtest/gtest.h>

#include <array>
#include <string>

#include "sample_sites.h"

namespace altpv::testing {
namespace {

struct Named {
  Feature feature;
  const char* name;
  bool synthetic;
};
const Named kNamed[] = {
    {Feature::Wrmsrns, "wrmsrns", false},     {Feature::MsrImm, "msr_imm", false},
    {Feature::Serialize, "serialize", false}, {Feature::Rdpid, "rdpid", false},
    {Feature::Fsgsbase, "fsgsbase", false},   {Feature::Hypervisor, "hypervisor", false},
    {Feature::Rdtscp, "rdtscp", false},       {Feature::Pv, "pv", true},
};

std::uint64_t mask(Feature f) {
  return std::uint64_t{1} << static_cast<unsigned>(f);
}

TEST(Features, EveryFeatureHasItsName) {
  for (const Named& n : kNamed) {
    const auto bit = static_cast<unsigned>(n.feature);
    ASSERT_NE(feature_name(bit), nullptr) << n.name;
    EXPECT_STREQ(feature_name(bit), n.name);
    EXPECT_EQ(feature_is_synthetic(bit), n.synthetic) << n.name;
  }
}

TEST(Features, NumbersNamingNoFeatureHaveNoName) {
  int named = 0;
  for (unsigned bit = 0; bit < 2 * ALTPV_FEATURE_COUNT; ++bit) {
    if (feature_name(bit) != nullptr) ++named;
  }
  EXPECT_EQ(named, static_cast<int>(std::size(kNamed)));
  EXPECT_EQ(feature_name(ALTPV_FEATURE_COUNT), nullptr);
  EXPECT_FALSE(feature_is_synthetic(ALTPV_FEATURE_COUNT));
}

TEST(Features, EveryNameParsesToItsOwnBit) {
  for (const Named& n : kNamed) {
    const OverrideResult r = apply_overrides(FeatureSet{}, n.name);
    ASSERT_TRUE(r.ok) << n.name;
    EXPECT_EQ(r.features.bits(), mask(n.feature)) << n.name;
  }
}

// A CPUID table in a test: leaf 0 and 0x80000000 report their ranges, and
// every other leaf returns what `leaves` holds (zero when absent).
struct FakeCpuid {
  std::uint32_t leaf, subleaf;
  CpuidResult value;
};
const FakeCpuid* fake_table = nullptr;
std::size_t fake_count = 0;

CpuidResult fake_cpuid(std::uint32_t leaf, std::uint32_t subleaf) {
  for (std::size_t i = 0; i < fake_count; ++i) {
    if (fake_table[i].leaf == leaf && fake_table[i].subleaf == subleaf) return fake_table[i].value;
  }
  return {};
}

template <std::size_t N>
FeatureSet detect_from(const FakeCpuid (&table)[N]) {
  fake_table = table;
  fake_count = N;
  return detect_cpu_features(fake_cpuid);
}

// The bit positions as the SDM (Vol. 2A, CPUID) gives them, one at a time.
TEST(Detect, ReadsEachFeatureAtItsSdmPosition) {
  struct Case {
    Feature feature;
    std::uint32_t leaf, subleaf;
    CpuidResult value;
  };
  const Case cases[] = {
      {Feature::Wrmsrns, 7, 1, {1u << 19, 0, 0, 0}},
      {Feature::MsrImm, 7, 1, {0, 0, 1u << 5, 0}},
      {Feature::Serialize, 7, 0, {1, 0, 0, 1u << 14}},
      {Feature::Rdpid, 7, 0, {1, 0, 1u << 22, 0}},
      {Feature::Fsgsbase, 7, 0, {1, 1u << 0, 0, 0}},
      {Feature::Hypervisor, 1, 0, {0, 0, 1u << 31, 0}},
      {Feature::Rdtscp, 0x80000001, 0, {0, 0, 0, 1u << 27}},
  };
  for (const Case& c : cases) {
    // The case's own entry comes first: it wins over the default 7.0 (whose
    // eax, the max subleaf, the cases at 7.0 set to 1 as well).
    const FakeCpuid table[] = {{c.leaf, c.subleaf, c.value},
                               {0, 0, {7, 0, 0, 0}},
                               {0x80000000, 0, {0x80000001, 0, 0, 0}},
                               {7, 0, {1, 0, 0, 0}}};
    EXPECT_EQ(detect_from(table).bits(), mask(c.feature))
        << feature_name(static_cast<unsigned>(c.feature));
  }
}

TEST(Detect, LeavesBeyondTheReportedRangeAreAbsent) {
  const FakeCpuid table[] = {{0, 0, {1, 0, 0, 0}},
                             {0x80000000, 0, {0x80000000, 0, 0, 0}},
                             {7, 0, {1, ~0u, ~0u, ~0u}},
                             {7, 1, {~0u, ~0u, ~0u, ~0u}},
                             {0x80000001, 0, {0, 0, 0, ~0u}}};
  EXPECT_EQ(detect_from(table).bits(), 0u);
  const FakeCpuid no_subleaf[] = {
      {0, 0, {7, 0, 0, 0}}, {7, 0, {0, 0, 0, 0}}, {7, 1, {~0u, ~0u, ~0u, ~0u}}};
  EXPECT_EQ(detect_from(no_subleaf).bits(), 0u) << "7.1 exists only if 7.0 eax >= 1";
}

TEST(Detect, TheTableListsEveryCpuidFeatureOnce) {
  std::uint64_t seen = 0;
  for (const CpuidBit& b : cpuid_bits()) {
    const std::uint64_t m = mask(b.feature);
    EXPECT_EQ(seen & m, 0u) << feature_name(static_cast<unsigned>(b.feature));
    EXPECT_FALSE(feature_is_synthetic(static_cast<unsigned>(b.feature)));
    seen |= m;
  }
  for (const Named& n : kNamed) EXPECT_EQ((seen & mask(n.feature)) != 0, !n.synthetic) << n.name;
}

TEST(Overrides, ClearAndForce) {
  const FeatureSet base = features({Feature::Wrmsrns, Feature::Rdpid});
  const OverrideResult r = apply_overrides(base, "-wrmsrns,+pv");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.features, features({Feature::Rdpid, Feature::Pv}));
  EXPECT_EQ(r.forced, mask(Feature::Pv));
  EXPECT_EQ(r.cleared, mask(Feature::Wrmsrns));
}

TEST(Overrides, WhitespaceAndEmptyItemsAreIgnored) {
  const OverrideResult r = apply_overrides(features({Feature::Wrmsrns}), " \t-wrmsrns ,, +pv\n,");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.features, features({Feature::Pv}));
}

TEST(Overrides, BareNameForces) {
  const OverrideResult r = apply_overrides(FeatureSet{}, "serialize, rdtscp");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.features, features({Feature::Serialize, Feature::Rdtscp}));
  EXPECT_EQ(r.forced, r.features.bits());
  EXPECT_EQ(r.cleared, 0u);
}

TEST(Overrides, EmptyStringKeepsTheBase) {
  const FeatureSet base = features({Feature::Rdpid});
  for (const char* s : {"", " ", ",", " , ,"}) {
    const OverrideResult r = apply_overrides(base, s);
    ASSERT_TRUE(r.ok) << '"' << s << '"';
    EXPECT_EQ(r.features, base);
    EXPECT_EQ(r.forced | r.cleared, 0u);
  }
}

TEST(Overrides, UnknownNameIsNamedInBadItem) {
  const std::string input = "+pv, +bogus ,-rdpid";
  const OverrideResult r = apply_overrides(features({Feature::Rdpid}), input);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.bad_item.find("+bogus"), std::string_view::npos) << r.bad_item;
  EXPECT_EQ(r.bad_item.find("pv,"), std::string_view::npos) << r.bad_item;
  // It points into the caller's string, so callers can show the position.
  EXPECT_GE(r.bad_item.data(), input.data());
  EXPECT_LE(r.bad_item.data() + r.bad_item.size(), input.data() + input.size());
}

TEST(Overrides, EveryUnknownItemIsCounted) {
  const OverrideResult r = apply_overrides(FeatureSet{}, "foo, wrmsrns,-bar,+baz");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.unknown_items, 3u);
  EXPECT_EQ(r.bad_item, "foo");
}

TEST(OverrideError, ListsEveryUnknownItemAndTheValidNames) {
  char buf[256];
  const std::size_t n = format_override_error(" foo, wrmsrns,-bar ,+", buf, sizeof buf);
  EXPECT_EQ(std::string_view(buf, n),
            "unknown features 'foo', '-bar', '+' (valid: wrmsrns, msr_imm, serialize, rdpid, "
            "fsgsbase, hypervisor, rdtscp, pv)");
  format_override_error("rdpid,bogus", buf, sizeof buf);
  EXPECT_EQ(std::string_view(buf).substr(0, 31), "unknown feature 'bogus' (valid:");
}

TEST(OverrideError, TruncatesSafely) {
  std::array<char, 16> buf;
  buf.fill('x');
  const std::size_t n = format_override_error("foo,bar", buf.data(), 12);
  EXPECT_EQ(n, 11u);
  EXPECT_EQ(buf[11], '\0');
  EXPECT_EQ(buf[12], 'x');
}

TEST(Overrides, SignWithoutNameIsRejected) {
  for (const char* s : {"+", "-", "pv,-"}) {
    EXPECT_FALSE(apply_overrides(FeatureSet{}, s).ok) << s;
  }
}

TEST(Overrides, LaterItemsOverrideEarlierOnes) {
  const OverrideResult off = apply_overrides(FeatureSet{}, "+pv,-pv");
  ASSERT_TRUE(off.ok);
  EXPECT_FALSE(off.features.has(Feature::Pv));
  EXPECT_EQ(off.forced, 0u);
  EXPECT_EQ(off.cleared, mask(Feature::Pv));

  const OverrideResult on = apply_overrides(features({Feature::Pv}), "-pv,pv");
  ASSERT_TRUE(on.ok);
  EXPECT_TRUE(on.features.has(Feature::Pv));
  EXPECT_EQ(on.forced, mask(Feature::Pv));
  EXPECT_EQ(on.cleared, 0u);
}

TEST(FormatFeatures, ListsSetBitsByName) {
  std::array<char, 128> buf;
  const std::size_t n =
      format_features(features({Feature::Pv, Feature::Wrmsrns}), buf.data(), buf.size());
  EXPECT_STREQ(buf.data(), "wrmsrns,pv");
  EXPECT_EQ(n, std::string_view("wrmsrns,pv").size());
  EXPECT_EQ(format_features(FeatureSet{}, buf.data(), buf.size()), 0u);
  EXPECT_STREQ(buf.data(), "");
}

// Formatting and parsing agree: any set survives the round trip.
TEST(FormatFeatures, RoundTripsThroughOverrides) {
  FeatureSet all;
  for (const Named& n : kNamed) all.set(n.feature);
  std::array<char, 256> buf;
  format_features(all, buf.data(), buf.size());
  const OverrideResult r = apply_overrides(FeatureSet{}, buf.data());
  ASSERT_TRUE(r.ok) << buf.data();
  EXPECT_EQ(r.features, all);
}

TEST(FormatFeatures, TruncatesSafely) {
  const FeatureSet set = features({Feature::Wrmsrns, Feature::Serialize});
  std::array<char, 8> buf;
  buf.fill('#');
  const std::size_t n = format_features(set, buf.data(), 5);
  EXPECT_EQ(n, 4u);
  EXPECT_STREQ(buf.data(), "wrms");
  EXPECT_EQ(buf[5], '#');
  EXPECT_EQ(format_features(set, buf.data(), 0), 0u);
  EXPECT_EQ(buf[0], 'w');
}

}  // namespace
}  // namespace altpv::testing
