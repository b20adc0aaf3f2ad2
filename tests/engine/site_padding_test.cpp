// SPDX-License-Identifier: MIT
// The assembler's side of site.h, on real sites in this binary: the padding
// after each original decodes as NOPs that end exactly at the site's end.
#include <gtest/gtest.h>

#include <cstring>

#include "altpv/hosted/process.h"
#include "padded_sites.h"
#include "x86_decoder.h"

// These tests read the sites as the assembler laid them out.
ALTPV_NO_PATCH_AT_LOAD;

namespace altpv::testing {
namespace {

const SiteRecord* find_site(const SiteTable& table, std::uintptr_t address) {
  for (const SiteRecord* r = table.sites_begin; r != table.sites_end; ++r) {
    if (r->site_address() == address) return r;
  }
  return nullptr;
}

TEST(SitePadding, PaddingDecodesAsNopsToTheEndOfTheSite) {
  const SiteTable table = hosted::process_site_table();
  ASSERT_EQ(padding_probes().size(), kPaddedSites);
  for (const PaddingProbe& probe : padding_probes()) {
    SCOPED_TRACE(probe.site_address());
    const SiteRecord* site = find_site(table, probe.site_address());
    ASSERT_NE(site, nullptr);
    ASSERT_LE(probe.original_len, site->len);
    const auto* text = reinterpret_cast<const std::uint8_t*>(site->site_address());
    std::size_t at = probe.original_len;
    while (at < site->len) {
      const std::optional<DecodedInsn> insn = decode_insn(text + at, site->len - at);
      ASSERT_TRUE(insn.has_value()) << "undecodable padding at +" << at;
      EXPECT_EQ(insn->mnemonic, "nop") << "at +" << at;
      at += insn->length;
    }
    EXPECT_EQ(at, site->len);
  }
}

// The copy the engine verifies and restores against is the padded original.
TEST(SitePadding, OriginalCopyMatchesTheUnpatchedSite) {
  const SiteTable table = hosted::process_site_table();
  for (const PaddingProbe& probe : padding_probes()) {
    const SiteRecord* site = find_site(table, probe.site_address());
    ASSERT_NE(site, nullptr);
    EXPECT_EQ(std::memcmp(reinterpret_cast<const void*>(site->site_address()),
                          reinterpret_cast<const void*>(site->orig_address()), site->len),
              0);
  }
}

}  // namespace
}  // namespace altpv::testing
