// SPDX-License-Identifier: MIT
// plan_site() on tables built in memory: selection, rendering, verification.
#include "altpv/engine/planner.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "altpv/msr_backend.h"
#include "altpv/op_ids.h"
#include "fake_backend.h"
#include "recording_text_writer.h"
#include "sample_sites.h"
#include "site_table_builder.h"

namespace altpv::testing {
namespace {

using B = SiteTableBuilder;

Bytes new_bytes(const Decision& d) {
  return Bytes(d.new_bytes, d.new_bytes + d.len);
}
Bytes old_bytes(const Decision& d) {
  return Bytes(d.old_bytes, d.old_bytes + d.len);
}

// rel32 of a call ending at `next`, little-endian, as the CPU reads it.
Bytes rel32(std::uintptr_t target, std::uintptr_t next) {
  const auto rel = static_cast<std::int32_t>(static_cast<std::intptr_t>(target - next));
  Bytes out(4);
  std::memcpy(out.data(), &rel, 4);
  return out;
}

Bytes concat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// No alternative is unconditional, so some feature sets keep the original.
const B::Site kNoFallbackSite{{0x0f, 0x30, 0x90},
                              {B::bytes(ALTPV_FEATURE_WRMSRNS, {0x0f, 0x01, 0xc6})},
                              ALTPV_OP_WRMSR_NS,
                              {}};

// `mov $1,%eax` padded to 10 bytes: room for the red-zone-skipping call.
const Bytes kMovOriginal{0xb8, 0x01, 0x00, 0x00, 0x00, 0x0f, 0x1f, 0x44, 0x00, 0x00};
const Bytes kMov2{0xb8, 0x02, 0x00, 0x00, 0x00, 0x0f, 0x1f, 0x44, 0x00, 0x00};
const B::Site kCallRzSite{kMovOriginal,
                          {B::call(ALTPV_FEATURE_PV, AltKind::CallSkipRedZone),
                           B::bytes(ALTPV_COND_ALWAYS, {0xb8, 0x02, 0x00, 0x00, 0x00})},
                          ALTPV_OP_USER_BASE + 1,
                          0x1234};

struct SelectionCase {
  const char* name;
  FeatureSet features;
  int chosen;
};

TEST(Planner, FirstMatchingAlternativeInWrittenOrderWins) {
  const SelectionCase cases[] = {
      {"nothing: !pv holds", {}, 1},
      {"wrmsrns: all but serialize match", features({Feature::Wrmsrns}), 0},
      {"wrmsrns+pv", features({Feature::Wrmsrns, Feature::Pv}), 0},
      {"pv: only always", features({Feature::Pv}), 3},
      {"pv+serialize", features({Feature::Pv, Feature::Serialize}), 2},
      {"serialize: !pv is written first", features({Feature::Serialize}), 1},
      {"everything", FeatureSet{~std::uint64_t{0}}, 0},
  };
  SiteTableBuilder b;
  const std::size_t site = b.add(kWrmsrSite);
  for (const SelectionCase& c : cases) {
    SCOPED_TRACE(c.name);
    const Decision d = plan_site(b.table(), site, c.features, nullptr);
    EXPECT_EQ(d.refusal, Refusal::None);
    EXPECT_EQ(d.verdict, Verdict::Patch);
    ASSERT_EQ(d.chosen, c.chosen);
    EXPECT_EQ(d.cond, b.alt(site, c.chosen).cond);
    EXPECT_EQ(d.kind, AltKind::Bytes);
    EXPECT_EQ(d.address, b.address(site));
    EXPECT_EQ(d.op, ALTPV_OP_WRMSR_NS);
    EXPECT_EQ(d.len, 9);
    EXPECT_EQ(old_bytes(d), kWrmsrSite.original);
    EXPECT_EQ(new_bytes(d), kWrmsrRendered[c.chosen]);
  }
}

TEST(Planner, NoMatchingAlternativeKeepsTheOriginal) {
  SiteTableBuilder b;
  const std::size_t site = b.add(kNoFallbackSite);
  for (const FeatureSet& f : {FeatureSet{}, features({Feature::Pv, Feature::Rdpid})}) {
    const Decision d = plan_site(b.table(), site, f, nullptr);
    EXPECT_EQ(d.chosen, kOriginal);
    EXPECT_EQ(d.verdict, Verdict::Unchanged);
    EXPECT_EQ(new_bytes(d), kNoFallbackSite.original);
  }
}

TEST(Planner, ConditionsAreFeatureNegationOrAlways) {
  const FeatureSet pv = features({Feature::Pv});
  EXPECT_TRUE(condition_holds(ALTPV_FEATURE_PV, pv));
  EXPECT_FALSE(condition_holds(ALTPV_FEATURE_PV, FeatureSet{}));
  EXPECT_FALSE(condition_holds(ALTPV_NOT(ALTPV_FEATURE_PV), pv));
  EXPECT_TRUE(condition_holds(ALTPV_NOT(ALTPV_FEATURE_PV), FeatureSet{}));
  EXPECT_TRUE(condition_holds(ALTPV_COND_ALWAYS, FeatureSet{}));
  EXPECT_TRUE(condition_holds(ALTPV_COND_ALWAYS, FeatureSet{~std::uint64_t{0}}));
}

TEST(Planner, CallSkipRedZoneIsLeaThenCallToTheBackendStub) {
  SiteTableBuilder b;
  const std::size_t site = b.add(kCallRzSite);
  const std::uintptr_t stub = b.text_end();
  FakeBackend backend(stub);
  const Decision d = plan_site(b.table(), site, features({Feature::Pv}), &backend);
  ASSERT_EQ(d.refusal, Refusal::None);
  EXPECT_EQ(d.chosen, 0);
  EXPECT_EQ(d.kind, AltKind::CallSkipRedZone);
  EXPECT_EQ(new_bytes(d),
            concat({0x48, 0x8d, 0x64, 0x24, 0x80, 0xe8}, rel32(stub, b.address(site) + 10)));
  ASSERT_FALSE(backend.queries.empty());
  const FakeBackend::Query& q = backend.queries.front();
  EXPECT_EQ(q.op, ALTPV_OP_USER_BASE + 1);
  EXPECT_EQ(q.constant, 0x1234u);
  EXPECT_TRUE(q.has_constant);
  EXPECT_EQ(q.kind, AltKind::CallSkipRedZone);
}

TEST(Planner, PlainCallIsCallRel32PaddedWithNops) {
  SiteTableBuilder b;
  const std::size_t site = b.add(B::Site{{0xb8, 0x01, 0x00, 0x00, 0x00, 0x0f, 0x1f, 0x00},
                                         {B::call(ALTPV_FEATURE_PV)},
                                         ALTPV_OP_WRMSR,
                                         {}});
  const std::uintptr_t stub = b.text_begin();  // backwards: a negative rel32
  FakeBackend backend(stub);
  const Decision d = plan_site(b.table(), site, features({Feature::Pv}), &backend);
  ASSERT_EQ(d.refusal, Refusal::None);
  EXPECT_EQ(d.kind, AltKind::Call);
  EXPECT_EQ(new_bytes(d),
            concat(concat({0xe8}, rel32(stub, b.address(site) + 5)), {0x0f, 0x1f, 0x00}));
  ASSERT_EQ(backend.queries.size(), 1u);
  EXPECT_FALSE(backend.queries[0].has_constant);
  EXPECT_EQ(backend.queries[0].kind, AltKind::Call);
}

// Setup bytes (e.g. loading a site constant into a native register) come
// first, and rel32 counts from the end of the call that follows them.
TEST(Planner, CallAfterSetupBytes) {
  SiteTableBuilder b;
  const Bytes setup{0xb9, 0x48, 0x00, 0x00, 0x00};
  const std::size_t site =
      b.add(B::Site{{0xb8, 0x01, 0x00, 0x00, 0x00, 0x66, 0x66, 0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00,
                     0x00, 0x00, 0x00},
                    {B::call(ALTPV_FEATURE_PV, AltKind::CallSkipRedZone, setup)},
                    ALTPV_OP_RDMSR,
                    0x48});
  const std::uintptr_t stub = b.text_end();
  FakeBackend backend(stub);
  const Decision d = plan_site(b.table(), site, features({Feature::Pv}), &backend);
  ASSERT_EQ(d.refusal, Refusal::None);
  EXPECT_EQ(d.chosen, 0);
  const Bytes call =
      concat({0x48, 0x8d, 0x64, 0x24, 0x80, 0xe8}, rel32(stub, b.address(site) + 15));
  EXPECT_EQ(new_bytes(d), concat(concat(setup, call), {0x90}));
}

TEST(Planner, CallWithoutStubDoesNotMatch) {
  SiteTableBuilder b;
  const std::size_t site = b.add(kCallRzSite);
  FakeBackend no_stub(0);
  const Decision d = plan_site(b.table(), site, features({Feature::Pv}), &no_stub);
  EXPECT_EQ(d.refusal, Refusal::None);
  EXPECT_EQ(d.chosen, 1);
  EXPECT_EQ(new_bytes(d), kMov2);
}

// Outside pv nothing says a backend should be there: the call just does not match.
TEST(Planner, CallWithoutBackendDoesNotMatchOutsidePv) {
  SiteTableBuilder b;
  const std::size_t site = b.add(B::Site{kMovOriginal,
                                         {B::call(ALTPV_COND_ALWAYS, AltKind::CallSkipRedZone),
                                          B::bytes(ALTPV_COND_ALWAYS, {0xb8, 0x02, 0, 0, 0})},
                                         ALTPV_OP_USER_BASE + 1,
                                         {}});
  const Decision d = plan_site(b.table(), site, features({Feature::Rdpid}), nullptr);
  EXPECT_EQ(d.refusal, Refusal::None);
  EXPECT_EQ(d.chosen, 1);
  EXPECT_EQ(new_bytes(d), kMov2);
}

// Under pv the feature set says a backend is in charge: falling back to the
// next alternative (for an MSR site, the native instruction, which faults in
// a process) would hide the mistake, so the site is refused with its reason.
TEST(Planner, PvCallWithoutBackendIsRefused) {
  SiteTableBuilder b;
  const std::size_t call = b.add(kCallRzSite);
  const std::size_t bytes_only = b.add(kWrmsrSite);
  const Decision d = plan_site(b.table(), call, features({Feature::Pv}), nullptr);
  EXPECT_EQ(d.verdict, Verdict::Refused);
  EXPECT_EQ(d.refusal, Refusal::NoBackend);
  EXPECT_STREQ(refusal_name(d.refusal), "pv call alternative, but no backend was given");
  // Sites whose choice is not a call are planned as usual.
  EXPECT_EQ(plan_site(b.table(), bytes_only, features({Feature::Pv}), nullptr).verdict,
            Verdict::Patch);
}

TEST(Planner, CallToABackendThatIsNotReadyIsRefused) {
  SiteTableBuilder b;
  const std::size_t site = b.add(kCallRzSite);
  FakeBackend backend(b.text_end());
  backend.is_ready = false;
  const Decision d = plan_site(b.table(), site, features({Feature::Pv}), &backend);
  EXPECT_EQ(d.verdict, Verdict::Refused);
  EXPECT_EQ(d.refusal, Refusal::BackendNotReady);
  // A backend that offers no stub for the op is not asked to serve it.
  FakeBackend no_stub(0);
  no_stub.is_ready = false;
  EXPECT_EQ(plan_site(b.table(), site, features({Feature::Pv}), &no_stub).chosen, 1);
}

// A site already patched to a call can still be restored while the backend
// is not ready: verification only needs the stub's address.
TEST(Planner, RestoresACallWhileTheBackendIsNotReady) {
  SiteTableBuilder b;
  const std::size_t site = b.add(kCallRzSite);
  FakeBackend backend(b.text_end());
  const Decision call = plan_site(b.table(), site, features({Feature::Pv}), &backend);
  ASSERT_EQ(call.verdict, Verdict::Patch);
  RecordingTextWriter writer;
  writer.write(call.address, call.new_bytes, call.len);
  backend.is_ready = false;
  const Decision back = plan_site(b.table(), site, FeatureSet{}, &backend);
  EXPECT_EQ(back.verdict, Verdict::Patch);
  EXPECT_EQ(back.chosen, 1);
}

// The MSR backend's stubs ask the MsrHandler; without one they would replay
// the native instruction, so the backend is not ready until one is set.
TEST(Planner, MsrBackendIsReadyOnlyWithAHandler) {
  struct NoHandler final : MsrHandler {
    MsrAccess write(std::uint32_t, std::uint64_t, bool) noexcept override {
      return MsrAccess::Native;
    }
    MsrAccess read(std::uint32_t, std::uint64_t*) noexcept override { return MsrAccess::Native; }
  } handler;
  const MsrBackend backend;
  set_msr_handler(nullptr);
  EXPECT_FALSE(backend.ready());
  // Static, so that the fake text lies within rel32 reach of the real stubs.
  static SiteTableBuilder b;
  const std::size_t site = b.add(B::Site{
      kMovOriginal, {B::call(ALTPV_FEATURE_PV, AltKind::CallSkipRedZone)}, ALTPV_OP_WRMSR, {}});
  EXPECT_EQ(plan_site(b.table(), site, features({Feature::Pv}), &backend).refusal,
            Refusal::BackendNotReady);
  set_msr_handler(&handler);
  EXPECT_TRUE(backend.ready());
  const Decision d = plan_site(b.table(), site, features({Feature::Pv}), &backend);
  set_msr_handler(nullptr);
  EXPECT_EQ(d.refusal, Refusal::None);
  EXPECT_EQ(d.verdict, Verdict::Patch);
}

TEST(Planner, CallTargetMustBeWithinRel32) {
  struct Case {
    const char* name;
    std::int64_t distance;  // from the end of the call
    bool fits;
  };
  const Case cases[] = {
      {"INT32_MAX", INT32_MAX, true},
      {"INT32_MAX + 1", std::int64_t{INT32_MAX} + 1, false},
      {"INT32_MIN", INT32_MIN, true},
      {"INT32_MIN - 1", std::int64_t{INT32_MIN} - 1, false},
      {"4 GiB", std::int64_t{1} << 32, false},
  };
  SiteTableBuilder b;
  const std::size_t site = b.add(kCallRzSite);
  const std::uintptr_t next = b.address(site) + ALTPV_CALL_RZ_LENGTH;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    FakeBackend backend(next + static_cast<std::uintptr_t>(c.distance));
    const Decision d = plan_site(b.table(), site, features({Feature::Pv}), &backend);
    if (c.fits) {
      EXPECT_EQ(d.verdict, Verdict::Patch);
      EXPECT_EQ(d.chosen, 0);
    } else {
      EXPECT_EQ(d.verdict, Verdict::Refused);
      EXPECT_EQ(d.refusal, Refusal::CallOutOfRange);
    }
  }
}

TEST(Planner, SiteAlreadyHoldingTheChoiceIsUnchanged) {
  SiteTableBuilder b;
  const std::size_t site = b.add(kWrmsrSite);
  std::memcpy(b.text(site), kWrmsrRendered[0].data(), kWrmsrRendered[0].size());
  const Decision d = plan_site(b.table(), site, features({Feature::Wrmsrns}), nullptr);
  EXPECT_EQ(d.refusal, Refusal::None);
  EXPECT_EQ(d.verdict, Verdict::Unchanged);
  EXPECT_EQ(d.chosen, 0);
  EXPECT_EQ(old_bytes(d), kWrmsrRendered[0]);
}

// Patch, then plan towards another alternative: verification must accept
// the bytes of the alternative the site holds now.
TEST(Planner, ReplansFromOneAlternativeToAnother) {
  SiteTableBuilder b;
  const std::size_t site = b.add(kWrmsrSite);
  RecordingTextWriter writer;
  const FeatureSet steps[] = {features({Feature::Wrmsrns}),
                              features({Feature::Pv, Feature::Serialize}), FeatureSet{},
                              features({Feature::Pv})};
  const int chosen[] = {0, 2, 1, 3};
  Bytes held = kWrmsrSite.original;
  for (std::size_t i = 0; i < std::size(steps); ++i) {
    SCOPED_TRACE(i);
    const Decision d = plan_site(b.table(), site, steps[i], nullptr);
    ASSERT_EQ(d.refusal, Refusal::None);
    EXPECT_EQ(d.verdict, Verdict::Patch);
    EXPECT_EQ(d.chosen, chosen[i]);
    EXPECT_EQ(old_bytes(d), held);
    ASSERT_TRUE(writer.write(d.address, d.new_bytes, d.len));
    held = kWrmsrRendered[chosen[i]];
  }
}

TEST(Planner, ReplansBackToTheOriginal) {
  SiteTableBuilder b;
  const std::size_t site = b.add(kNoFallbackSite);
  RecordingTextWriter writer;
  const Decision there = plan_site(b.table(), site, features({Feature::Wrmsrns}), nullptr);
  ASSERT_EQ(there.verdict, Verdict::Patch);
  writer.write(there.address, there.new_bytes, there.len);
  const Decision back = plan_site(b.table(), site, FeatureSet{}, nullptr);
  EXPECT_EQ(back.verdict, Verdict::Patch);
  EXPECT_EQ(back.chosen, kOriginal);
  EXPECT_EQ(old_bytes(back), Bytes({0x0f, 0x01, 0xc6}));
  EXPECT_EQ(new_bytes(back), kNoFallbackSite.original);
}

TEST(Planner, ReplansFromACallToBytes) {
  SiteTableBuilder b;
  const std::size_t site = b.add(kCallRzSite);
  FakeBackend backend(b.text_end());
  RecordingTextWriter writer;
  const Decision call = plan_site(b.table(), site, features({Feature::Pv}), &backend);
  ASSERT_EQ(call.verdict, Verdict::Patch);
  writer.write(call.address, call.new_bytes, call.len);
  const Decision bytes = plan_site(b.table(), site, FeatureSet{}, &backend);
  EXPECT_EQ(bytes.verdict, Verdict::Patch);
  EXPECT_EQ(bytes.chosen, 1);
  EXPECT_EQ(old_bytes(bytes), new_bytes(call));
  EXPECT_EQ(new_bytes(bytes), kMov2);
}

TEST(Planner, RefusesASiteHoldingUnknownBytes) {
  SiteTableBuilder b;
  const std::size_t site = b.add(kWrmsrSite);
  b.text(site)[1] = 0x0b;  // ud2's second byte: neither original nor any alternative
  const Decision d = plan_site(b.table(), site, features({Feature::Wrmsrns}), nullptr);
  EXPECT_EQ(d.verdict, Verdict::Refused);
  EXPECT_EQ(d.refusal, Refusal::UnknownBytes);
}

// A call is only known if it targets the stub the backend supplies now.
TEST(Planner, RefusesACallToAnotherStub) {
  SiteTableBuilder b;
  const std::size_t site = b.add(kCallRzSite);
  FakeBackend old_backend(b.text_end());
  FakeBackend new_backend(b.text_begin());
  const Decision call = plan_site(b.table(), site, features({Feature::Pv}), &old_backend);
  RecordingTextWriter writer;
  writer.write(call.address, call.new_bytes, call.len);
  const Decision d = plan_site(b.table(), site, features({Feature::Pv}), &new_backend);
  EXPECT_EQ(d.verdict, Verdict::Refused);
  EXPECT_EQ(d.refusal, Refusal::UnknownBytes);
}

}  // namespace
}  // namespace altpv::testing
