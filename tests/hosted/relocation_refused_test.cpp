// SPDX-License-Identifier: MIT
// A displacement that does not fit once relocated: in a real process, the
// site is refused with its reason, nothing is written, and it still runs its
// original.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "altpv/engine/report.h"
#include "altpv/hosted/process.h"
#include "recording_observer.h"

extern "C" unsigned altpv_reloc_refused();

namespace altpv::testing {
namespace {

constexpr unsigned kOriginal = 0x200;  // relocation_refused_site.S

TEST(RelocationRefused, Rel8OutOfRangeIsRefusedAndNothingIsWritten) {
  const SiteTable table = hosted::process_site_table();
  const auto fn = reinterpret_cast<std::uintptr_t>(&altpv_reloc_refused);
  const SiteRecord* site = nullptr;
  for (const SiteRecord* s = table.sites_begin; s != table.sites_end; ++s) {
    if (s->site_address() == fn) site = s;
  }
  ASSERT_NE(site, nullptr);
  const auto* text = reinterpret_cast<const std::uint8_t*>(fn);
  const std::vector<std::uint8_t> before(text, text + site->len);
  EXPECT_EQ(altpv_reloc_refused(), kOriginal);

  RecordingObserver observer;
  hosted::patch_process(FeatureSet{}.set(Feature::Pv), nullptr, &observer);
  const std::optional<Decision> d = observer.at(fn);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->verdict, Verdict::Refused);
  EXPECT_EQ(d->refusal, Refusal::RelocOutOfRange);
  EXPECT_EQ(d->chosen, 0);
  char line[512];
  format_decision(*d, "altpv_reloc_refused", line, sizeof line);
  std::printf("%s\n", line);
  EXPECT_NE(std::string(line).find("alt 0 [pv] bytes"), std::string::npos) << line;
  EXPECT_NE(std::string(line).find("REFUSED: relocated branch or RIP-relative displacement out of "
                                   "range"),
            std::string::npos)
      << line;

  EXPECT_EQ(std::vector<std::uint8_t>(text, text + site->len), before);
  EXPECT_EQ(altpv_reloc_refused(), kOriginal);
}

}  // namespace
}  // namespace altpv::testing
