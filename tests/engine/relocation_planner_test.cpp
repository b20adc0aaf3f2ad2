// SPDX-License-Identifier: MIT
// The planner relocates what it copies out of altpv_repl, refuses what it
// cannot relocate (writing nothing), and its fail-safe check recognises a
// relocated alternative, and no unrelocated copy, in the site.
#include <gtest/gtest.h>
#include <sys/mman.h>

#include <cstring>
#include <vector>

#include "altpv/engine/planner.h"
#include "altpv/patcher.h"
#include "fake_backend.h"
#include "recording_text_writer.h"
#include "sample_sites.h"
#include "site_table_builder.h"
#include "x86_decoder.h"

namespace altpv::testing {
namespace {

using B = SiteTableBuilder;

// Points the rel32 at `field` (which the CPU adds to `next`) at `target`.
void aim(std::uint8_t* field, std::uintptr_t next, std::uintptr_t target) {
  const auto rel = static_cast<std::int32_t>(static_cast<std::intptr_t>(target - next));
  std::memcpy(field, &rel, sizeof rel);
}

std::uint8_t* repl_of(B& b, std::size_t site, std::size_t alt) {
  return reinterpret_cast<std::uint8_t*>(b.alt(site, alt).repl_address());
}

Bytes text_bytes(B& b, std::size_t site) {
  return Bytes(b.text(site), b.text(site) + b.record(site).len);
}

const FeatureSet kOn = features({Feature::Wrmsrns});

// `mov $1,%eax`, or (wrmsrns) a call to a function in the text.
const B::Site kCallSite{
    {0xb8, 0x01, 0x00, 0x00, 0x00}, {B::bytes(ALTPV_FEATURE_WRMSRNS, {0xe8, 0, 0, 0, 0})}, 0, {}};

TEST(RelocationPlanner, RelocatedAlternativeIsPatchedAndRecognised) {
  B b;
  const std::size_t site = b.add(kCallSite);
  const std::uintptr_t callee = b.text_end() - 16;
  aim(repl_of(b, site, 0) + 1, b.alt(site, 0).repl_address() + 5, callee);

  const Decision d = plan_site(b.table(), site, kOn, nullptr);
  ASSERT_EQ(d.refusal, Refusal::None);
  ASSERT_EQ(d.verdict, Verdict::Patch);
  const auto call = decode_insn(d.new_bytes, d.len, d.address);
  ASSERT_TRUE(call && call->branch_target);
  EXPECT_EQ(*call->branch_target, callee);

  RecordingTextWriter writer;
  writer.write(d.address, d.new_bytes, d.len);
  const Decision again = plan_site(b.table(), site, kOn, nullptr);
  EXPECT_EQ(again.refusal, Refusal::None);
  EXPECT_EQ(again.verdict, Verdict::Unchanged);
  const Decision back = plan_site(b.table(), site, FeatureSet{}, nullptr);
  EXPECT_EQ(back.refusal, Refusal::None);
  EXPECT_EQ(back.verdict, Verdict::Patch);
  EXPECT_EQ(back.chosen, kOriginal);
  EXPECT_EQ(Bytes(back.new_bytes, back.new_bytes + back.len), kCallSite.original);
}

// What an engine without relocation would have written is not recognised.
TEST(RelocationPlanner, UnrelocatedCopyInTheSiteIsUnknown) {
  B b;
  const std::size_t site = b.add(kCallSite);
  aim(repl_of(b, site, 0) + 1, b.alt(site, 0).repl_address() + 5, b.text_end() - 16);
  std::memcpy(b.text(site), repl_of(b, site, 0), 5);
  const Decision d = plan_site(b.table(), site, FeatureSet{}, nullptr);
  EXPECT_EQ(d.verdict, Verdict::Refused);
  EXPECT_EQ(d.refusal, Refusal::UnknownBytes);
}

struct RefusedCase {
  const char* what;
  B::Site site;
  Refusal refusal;
};

const RefusedCase kRefused[] = {
    {"rel8 leaving the replacement",
     {{0xb8, 0x01, 0x00, 0x00, 0x00}, {B::bytes(ALTPV_FEATURE_WRMSRNS, {0xeb, 0x7f})}, 0, {}},
     Refusal::RelocOutOfRange},
    {"alternative cut inside an instruction",
     {{0xb8, 0x01, 0x00, 0x00, 0x00}, {B::bytes(ALTPV_FEATURE_WRMSRNS, {0x90, 0x0f})}, 0, {}},
     Refusal::Undecodable},
    {"call setup that does not decode",
     {{0xb8, 0x01, 0x00, 0x00, 0x00, 0x90},
      {B::call(ALTPV_FEATURE_WRMSRNS, AltKind::Call, {0x06})},
      0,
      {}},
     Refusal::Undecodable},
};

TEST(RelocationPlanner, RefusesWhatCannotBeRelocatedAndWritesNothing) {
  for (const RefusedCase& c : kRefused) {
    SCOPED_TRACE(c.what);
    B b;
    const std::size_t site = b.add(c.site);
    const Bytes before = text_bytes(b, site);
    FakeBackend backend(b.text_end());
    const Decision d = plan_site(b.table(), site, kOn, &backend);
    EXPECT_EQ(d.verdict, Verdict::Refused);
    EXPECT_EQ(d.refusal, c.refusal);
    EXPECT_EQ(d.chosen, 0);  // the report names the alternative

    RecordingTextWriter writer;
    std::vector<std::uint32_t> scratch(b.table().size());
    const ApplyStats stats = apply(b.table(), kOn, &backend, writer, scratch);
    EXPECT_EQ(stats.refused, 1u);
    EXPECT_TRUE(writer.writes.empty());
    EXPECT_EQ(text_bytes(b, site), before);
    // Not selected, the alternative does no harm: the original stays.
    EXPECT_EQ(plan_site(b.table(), site, FeatureSet{}, &backend).verdict, Verdict::Unchanged);
  }
}

TEST(RelocationPlanner, RefusesAnOriginalThatDoesNotDecode) {
  B b;
  const std::size_t site =
      b.add({{0x06, 0x90, 0x90}, {B::bytes(ALTPV_FEATURE_WRMSRNS, {0x0f, 0x01, 0xc6})}, 0, {}});
  for (const FeatureSet& f : {kOn, FeatureSet{}}) {
    const Decision d = plan_site(b.table(), site, f, nullptr);
    EXPECT_EQ(d.verdict, Verdict::Refused);
    EXPECT_EQ(d.refusal, Refusal::Undecodable);
  }
}

// A call alternative's setup bytes are relocated too, and recognised.
TEST(RelocationPlanner, CallSetupIsRelocated) {
  B b;
  const Bytes lea = {0x48, 0x8d, 0x15, 0, 0, 0, 0};  // lea disp(%rip),%rdx
  const std::size_t site =
      b.add({Bytes(12, 0x90), {B::call(ALTPV_FEATURE_WRMSRNS, AltKind::Call, lea)}, 0, {}});
  const std::uintptr_t data = b.text_end() - 8;
  aim(repl_of(b, site, 0) + 3, b.alt(site, 0).repl_address() + lea.size(), data);
  FakeBackend backend(b.text_end());

  const Decision d = plan_site(b.table(), site, kOn, &backend);
  ASSERT_EQ(d.refusal, Refusal::None);
  std::int32_t disp;
  std::memcpy(&disp, d.new_bytes + 3, sizeof disp);
  EXPECT_EQ(d.address + lea.size() + static_cast<std::uintptr_t>(std::intptr_t{disp}), data);
  RecordingTextWriter writer;
  writer.write(d.address, d.new_bytes, d.len);
  EXPECT_EQ(plan_site(b.table(), site, kOn, &backend).verdict, Verdict::Unchanged);
  std::uintptr_t stub = 0;
  EXPECT_TRUE(decode_rendered_call(b.record(site), b.alt(site, 0), b.text(site), d.address, &stub));
  EXPECT_EQ(stub, b.text_end());
}

// Site and replacement ~4 GiB apart (each record within the ±2 GiB its
// self-relative offsets reach): a call that fits rel32 from altpv_repl does
// not from the site. Address space is reserved, only three pages mapped.
TEST(RelocationPlanner, Rel32OverflowIsRefused) {
  constexpr std::size_t kPage = 4096;
  constexpr std::size_t kHalf = 0x7fff0000;  // < 2 GiB
  const std::size_t span = 2 * kHalf + kPage;
  void* base = mmap(nullptr, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  ASSERT_NE(base, MAP_FAILED);
  auto* repl = static_cast<std::uint8_t*>(base);
  auto* tables = repl + kHalf;
  auto* text = tables + kHalf;
  for (std::uint8_t* page : {repl, tables, text}) {
    ASSERT_EQ(mprotect(page, kPage, PROT_READ | PROT_WRITE), 0);
  }

  const Bytes original = {0xb8, 0x01, 0x00, 0x00, 0x00};
  std::memcpy(text, original.data(), 5);
  std::memcpy(repl, original.data(), 5);
  std::uint8_t* call = repl + 16;
  call[0] = 0xe8;
  aim(call + 1, reinterpret_cast<std::uintptr_t>(call) + 5,
      reinterpret_cast<std::uintptr_t>(repl) + 0x800);  // near the replacement, far from the site

  auto* site = reinterpret_cast<SiteRecord*>(tables);
  auto* alt = reinterpret_cast<AltRecord*>(tables + 64);
  *site = SiteRecord{};
  B::point(site->site, reinterpret_cast<std::uintptr_t>(text));
  B::point(site->orig, reinterpret_cast<std::uintptr_t>(repl));
  B::point(site->alts, reinterpret_cast<std::uintptr_t>(alt));
  site->len = 5;
  site->nalts = 1;
  B::point(alt->repl, reinterpret_cast<std::uintptr_t>(call));
  alt->cond = ALTPV_FEATURE_WRMSRNS;
  alt->kind = AltKind::Bytes;
  alt->len = 5;
  const SiteTable table{site,
                        site + 1,
                        alt,
                        alt + 1,
                        repl,
                        repl + kPage,
                        reinterpret_cast<std::uintptr_t>(text),
                        reinterpret_cast<std::uintptr_t>(text) + kPage};

  const Decision d = plan_site(table, 0, kOn, nullptr);
  EXPECT_EQ(d.verdict, Verdict::Refused);
  EXPECT_EQ(d.refusal, Refusal::RelocOutOfRange);
  RecordingTextWriter writer;
  std::uint32_t scratch[1];
  EXPECT_EQ(apply(table, kOn, nullptr, writer, scratch).refused, 1u);
  EXPECT_TRUE(writer.writes.empty());
  EXPECT_EQ(Bytes(text, text + 5), original);
  EXPECT_EQ(plan_site(table, 0, FeatureSet{}, nullptr).verdict, Verdict::Unchanged);
  munmap(base, span);
}

}  // namespace
}  // namespace altpv::testing
