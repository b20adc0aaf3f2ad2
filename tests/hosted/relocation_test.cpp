// SPDX-License-Identifier: MIT
// Relocation end to end in this process: the sites of relocation_sites.S
// are patched through /proc/self/mem, executed, recognised when planned
// again, and restored.
#include <gtest/gtest.h>

#include <cstring>
#include <stdexcept>
#include <vector>

#include "altpv/backend.h"
#include "altpv/hosted/process.h"
#include "hosted/process_text_writer.h"
#include "recording_observer.h"
#include "relocation_sites.h"

namespace altpv::testing {
namespace {

// Supplies altpv_reloc_stub for RELOC_OP in the hosted call shape.
class RelocationBackend final : public Backend {
 public:
  const void* stub(std::uint16_t op, std::uint32_t, bool, AltKind kind) const override {
    if (op != RELOC_OP || kind != AltKind::CallSkipRedZone) return nullptr;
    return reinterpret_cast<const void*>(&altpv_reloc_stub);
  }
  const char* name() const override { return "relocation test"; }
};

// Only the sites of relocation_sites.S, checked against the process's text.
SiteTable relocation_table() {
  SiteTable t = hosted::process_site_table();
  t.sites_begin = altpv_reloc_sites_begin;
  t.sites_end = altpv_reloc_sites_end;
  return t;
}

const SiteRecord& site_in(const void* function) {
  const auto fn = reinterpret_cast<std::uintptr_t>(function);
  const SiteTable t = relocation_table();
  for (const SiteRecord* s = t.sites_begin; s != t.sites_end; ++s) {
    if (s->site_address() >= fn && s->site_address() < fn + 16) return *s;
  }
  throw std::runtime_error("no relocation site in that function");
}

std::vector<std::uint8_t> text_of(const SiteRecord& s) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(s.site_address());
  return {p, p + s.len};
}

class Relocation : public ::testing::Test {
 protected:
  ApplyStats patch(const FeatureSet& f) {
    const SiteTable t = relocation_table();
    std::vector<std::uint32_t> scratch(t.size());
    hosted::ProcessTextWriter writer;
    observer_.decisions.clear();
    const ApplyStats stats = apply(t, f, &backend_, writer, scratch, &observer_);
    for (const Decision& d : observer_.decisions) {
      EXPECT_EQ(d.refusal, Refusal::None) << "site " << d.index << ": " << refusal_name(d.refusal);
    }
    return stats;
  }
  void TearDown() override { patch(FeatureSet{}); }

  void expect_originals() {
    altpv_reloc_store_cell = 0;
    EXPECT_EQ(altpv_reloc_call_out(), RELOC_ORIGINAL);
    EXPECT_EQ(altpv_reloc_jmp_out(), RELOC_ORIGINAL);
    EXPECT_EQ(altpv_reloc_jcc_out(1), RELOC_ORIGINAL);
    EXPECT_EQ(altpv_reloc_rel8_inside(), RELOC_ORIGINAL);
    EXPECT_EQ(altpv_reloc_rip_load(), RELOC_ORIGINAL);
    EXPECT_EQ(altpv_reloc_rip_store(), RELOC_ORIGINAL);
    EXPECT_EQ(altpv_reloc_rip_inside(), nullptr);
    EXPECT_EQ(altpv_reloc_call_setup(), RELOC_ORIGINAL);
  }

  const FeatureSet pv_ = FeatureSet{}.set(Feature::Pv);
  RelocationBackend backend_;
  RecordingObserver observer_;
  const std::size_t sites_ = relocation_table().size();
};

TEST_F(Relocation, EverySiteIsInTheTable) {
  EXPECT_EQ(sites_, 8u);
}

TEST_F(Relocation, RelocatedSitesRunTheirAlternative) {
  expect_originals();
  const ApplyStats stats = patch(pv_);
  EXPECT_EQ(stats.patched, sites_);
  EXPECT_EQ(stats.refused, 0u);

  EXPECT_EQ(altpv_reloc_call_out(), RELOC_CALLED);
  EXPECT_EQ(altpv_reloc_jmp_out(), RELOC_JUMPED);
  EXPECT_EQ(altpv_reloc_jcc_out(1), RELOC_TAKEN);
  EXPECT_EQ(altpv_reloc_jcc_out(0), RELOC_NOT_TAKEN);
  EXPECT_EQ(altpv_reloc_rel8_inside(), 3 * RELOC_STEP);
  EXPECT_EQ(altpv_reloc_rip_load(), RELOC_LOADED);
  altpv_reloc_load_cell = RELOC_LOADED + 1;  // a load, not a constant
  EXPECT_EQ(altpv_reloc_rip_load(), RELOC_LOADED + 1);
  EXPECT_EQ(altpv_reloc_call_setup(), RELOC_LOADED + 1 + RELOC_FROM_STUB);
  altpv_reloc_load_cell = RELOC_LOADED;
  altpv_reloc_store_cell = 0;
  EXPECT_EQ(altpv_reloc_rip_store(), RELOC_STORED);
  // lea 1f(%rip): the label is 9 bytes into the site (7-byte lea, 2 nops).
  const SiteRecord& inside = site_in(reinterpret_cast<const void*>(&altpv_reloc_rip_inside));
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(altpv_reloc_rip_inside()), inside.site_address() + 9);
}

// Inside targets are copied as they are; outside ones are not.
TEST_F(Relocation, OnlyBranchesLeavingTheReplacementChange) {
  patch(pv_);
  const auto copied_verbatim = [](const void* function) {
    const SiteRecord& s = site_in(function);
    const AltRecord& alt = *reinterpret_cast<const AltRecord*>(s.alts_address());
    const auto* repl = reinterpret_cast<const std::uint8_t*>(alt.repl_address());
    return std::memcmp(repl, reinterpret_cast<const void*>(s.site_address()), alt.len) == 0;
  };
  EXPECT_TRUE(copied_verbatim(reinterpret_cast<const void*>(&altpv_reloc_rel8_inside)));
  EXPECT_TRUE(copied_verbatim(reinterpret_cast<const void*>(&altpv_reloc_rip_inside)));
  EXPECT_FALSE(copied_verbatim(reinterpret_cast<const void*>(&altpv_reloc_call_out)));
  EXPECT_FALSE(copied_verbatim(reinterpret_cast<const void*>(&altpv_reloc_rip_store)));
}

// The fail-safe check recognises relocated alternatives and the relocated
// copy of an original: planning again changes nothing, and every site goes
// back to exactly the bytes the linker wrote.
TEST_F(Relocation, RelocatedSitesAreRecognisedAndRestored) {
  std::vector<std::vector<std::uint8_t>> linked;
  const SiteTable t = relocation_table();
  for (const SiteRecord* s = t.sites_begin; s != t.sites_end; ++s) linked.push_back(text_of(*s));

  ASSERT_EQ(patch(pv_).patched, sites_);
  const ApplyStats again = patch(pv_);
  EXPECT_EQ(again.unchanged, sites_);
  EXPECT_EQ(again.refused, 0u);

  const ApplyStats back = patch(FeatureSet{});
  EXPECT_EQ(back.patched, sites_);
  for (std::size_t i = 0; i < linked.size(); ++i) {
    EXPECT_EQ(text_of(t.sites_begin[i]), linked[i]) << "site " << i;
  }
  expect_originals();
  EXPECT_EQ(patch(FeatureSet{}).unchanged, sites_);
}

}  // namespace
}  // namespace altpv::testing
