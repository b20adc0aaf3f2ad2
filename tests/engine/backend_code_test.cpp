// SPDX-License-Identifier: MIT
// What a backend may put in a call alternative's site besides a call with
// the site's setup: a bare call, inline bytes, or nothing but NOPs. The
// planner renders each, refuses bytes that do not fit, and recognises its
// own rendering when it verifies a site before re-patching it.
#include <gtest/gtest.h>

#include <cstring>

#include "altpv/engine/nop_fill.h"
#include "altpv/engine/planner.h"
#include "altpv/op_ids.h"
#include "recording_text_writer.h"
#include "sample_sites.h"
#include "site_table_builder.h"

namespace altpv::testing {
namespace {

using B = SiteTableBuilder;

// Hands out one SiteCode for every site, and remembers what it was asked.
class CodeBackend final : public Backend {
 public:
  explicit CodeBackend(SiteCode code) : code_(code) {}
  SiteCode code(const CallSite& site) const override {
    last = site;
    return code_;
  }
  const char* name() const override { return "code"; }

  mutable CallSite last;

 private:
  SiteCode code_;
};

// A constant-index shape: 5 bytes of setup, then the call (17 bytes in all).
const Bytes kSetup{0xb9, 0x00, 0x01, 0x00, 0x40};
const B::Site kSite{{0xb9, 0x00, 0x01, 0x00, 0x40, 0x48, 0x89, 0xc2, 0x0f, 0x30, 0x66, 0x0f, 0x1f,
                     0x44, 0x00, 0x00, 0x90},
                    {B::call(ALTPV_FEATURE_PV, AltKind::Call, kSetup)},
                    ALTPV_OP_WRMSR_NS,
                    0x40000100};

Bytes rendered(const Decision& d) {
  return Bytes(d.new_bytes, d.new_bytes + d.len);
}

Bytes nops(std::size_t len) {
  Bytes out(len);
  fill_nops(out.data(), len);
  return out;
}

Bytes call_to(std::uintptr_t stub, std::uintptr_t next) {
  const auto rel = static_cast<std::int32_t>(static_cast<std::intptr_t>(stub - next));
  Bytes out{0xe8, 0, 0, 0, 0};
  std::memcpy(out.data() + 1, &rel, 4);
  return out;
}

TEST(BackendCode, TheBackendSeesTheSite) {
  SiteTableBuilder b;
  const std::size_t site = b.add(kSite);
  CodeBackend backend(SiteCode::nops());
  plan_site(b.table(), site, features({Feature::Pv}), &backend);
  EXPECT_EQ(backend.last.op, ALTPV_OP_WRMSR_NS);
  EXPECT_EQ(backend.last.constant, 0x40000100u);
  EXPECT_TRUE(backend.last.has_constant);
  EXPECT_EQ(backend.last.kind, AltKind::Call);
  EXPECT_EQ(backend.last.len, 17);
}

TEST(BackendCode, BareCallLeavesTheSetupOut) {
  SiteTableBuilder b;
  const std::size_t site = b.add(kSite);
  const std::uintptr_t stub = b.text_end();
  CodeBackend backend(SiteCode::bare_call(reinterpret_cast<const void*>(stub)));
  const Decision d = plan_site(b.table(), site, features({Feature::Pv}), &backend);
  ASSERT_EQ(d.refusal, Refusal::None);
  EXPECT_EQ(d.form, SiteCode::Form::BareCall);
  Bytes expected = call_to(stub, b.address(site) + 5);
  const Bytes fill = nops(12);
  expected.insert(expected.end(), fill.begin(), fill.end());
  EXPECT_EQ(rendered(d), expected);
}

TEST(BackendCode, InlineBytesReplaceTheWholeSite) {
  SiteTableBuilder b;
  const std::size_t site = b.add(kSite);
  const std::uint8_t xor_eax[] = {0x31, 0xc0};
  CodeBackend backend(SiteCode::inline_bytes(xor_eax, sizeof xor_eax));
  const Decision d = plan_site(b.table(), site, features({Feature::Pv}), &backend);
  ASSERT_EQ(d.refusal, Refusal::None);
  EXPECT_EQ(d.form, SiteCode::Form::Inline);
  Bytes expected{0x31, 0xc0};
  const Bytes fill = nops(15);
  expected.insert(expected.end(), fill.begin(), fill.end());
  EXPECT_EQ(rendered(d), expected);
}

// Inline code that calls out of itself (an out-of-line slow path) is
// relocated from where it was assembled: the call reaches the same target
// from the site; a branch to its own end moves with the bytes.
TEST(BackendCode, InlineCodeIsRelocatedFromItsOrigin) {
  SiteTableBuilder b;
  const std::size_t site = b.add(kSite);
  const std::uintptr_t stub = b.text_end();
  // jz +5 (to the end); call stub: assembled in `code`, 7 bytes.
  std::uint8_t code[7] = {0x74, 0x05};
  const Bytes call = call_to(stub, reinterpret_cast<std::uintptr_t>(code) + 7);
  std::memcpy(code + 2, call.data(), call.size());
  CodeBackend backend(SiteCode::inline_code(code, sizeof code));
  const Decision d = plan_site(b.table(), site, features({Feature::Pv}), &backend);
  ASSERT_EQ(d.refusal, Refusal::None);
  EXPECT_EQ(d.form, SiteCode::Form::Inline);
  Bytes expected{0x74, 0x05};
  const Bytes moved = call_to(stub, b.address(site) + 7);
  expected.insert(expected.end(), moved.begin(), moved.end());
  const Bytes fill = nops(10);
  expected.insert(expected.end(), fill.begin(), fill.end());
  EXPECT_EQ(rendered(d), expected);

  // Copied instead of relocated, the call would miss its target.
  CodeBackend copied(SiteCode::inline_bytes(code, sizeof code));
  EXPECT_NE(rendered(plan_site(b.table(), site, features({Feature::Pv}), &copied)), expected);
}

TEST(BackendCode, NothingButNops) {
  SiteTableBuilder b;
  const std::size_t site = b.add(kSite);
  CodeBackend backend(SiteCode::nops());
  const Decision d = plan_site(b.table(), site, features({Feature::Pv}), &backend);
  ASSERT_EQ(d.refusal, Refusal::None);
  EXPECT_EQ(rendered(d), nops(17));
}

TEST(BackendCode, InlineBytesLongerThanTheSiteAreRefused) {
  SiteTableBuilder b;
  const std::size_t site = b.add(kSite);
  const Bytes long_code(18, 0x90);
  CodeBackend backend(SiteCode::inline_bytes(long_code.data(), long_code.size()));
  const Decision d = plan_site(b.table(), site, features({Feature::Pv}), &backend);
  EXPECT_EQ(d.verdict, Verdict::Refused);
  EXPECT_EQ(d.refusal, Refusal::InlineTooLong);
  EXPECT_STREQ(refusal_name(d.refusal), "backend's inline bytes longer than the site");
}

TEST(BackendCode, NoneMovesSelectionOn) {
  SiteTableBuilder b;
  const std::size_t site = b.add(kSite);
  CodeBackend backend(SiteCode::none());
  const Decision d = plan_site(b.table(), site, features({Feature::Pv}), &backend);
  EXPECT_EQ(d.chosen, kOriginal);
  EXPECT_EQ(d.verdict, Verdict::Unchanged);
}

// Verify-before-write: inline bytes the same backend rendered are known, so
// the site may be patched again (to the same bytes, or back to the original);
// a backend that would render something else does not know them.
TEST(BackendCode, RePatchingRecognisesInlineBytes) {
  SiteTableBuilder b;
  const std::size_t site = b.add(kSite);
  const std::uint8_t xor_eax[] = {0x31, 0xc0};
  CodeBackend backend(SiteCode::inline_bytes(xor_eax, sizeof xor_eax));
  const Decision first = plan_site(b.table(), site, features({Feature::Pv}), &backend);
  RecordingTextWriter writer;
  ASSERT_TRUE(writer.write(first.address, first.new_bytes, first.len));

  EXPECT_EQ(plan_site(b.table(), site, features({Feature::Pv}), &backend).verdict,
            Verdict::Unchanged);
  const Decision back = plan_site(b.table(), site, FeatureSet{}, &backend);
  EXPECT_EQ(back.verdict, Verdict::Patch);
  EXPECT_EQ(rendered(back), kSite.original);

  CodeBackend other(SiteCode::nops());
  const Decision refused = plan_site(b.table(), site, FeatureSet{}, &other);
  EXPECT_EQ(refused.verdict, Verdict::Refused);
  EXPECT_EQ(refused.refusal, Refusal::UnknownBytes);
}

TEST(BackendCode, DecodesABareCall) {
  SiteTableBuilder b;
  const std::size_t site = b.add(kSite);
  const std::uintptr_t stub = b.text_end();
  CodeBackend backend(SiteCode::bare_call(reinterpret_cast<const void*>(stub)));
  const Decision d = plan_site(b.table(), site, features({Feature::Pv}), &backend);
  const SiteRecord& record = b.table().sites_begin[site];
  const AltRecord& alt = *reinterpret_cast<const AltRecord*>(record.alts_address());
  std::uintptr_t target = 0;
  EXPECT_FALSE(decode_rendered_call(record, alt, d.new_bytes, d.address, &target));
  ASSERT_TRUE(
      decode_rendered_call(record, alt, d.new_bytes, d.address, &target, SiteCode::Form::BareCall));
  EXPECT_EQ(target, stub);
}

}  // namespace
}  // namespace altpv::testing
