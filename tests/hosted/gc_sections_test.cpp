// SPDX-License-Identifier: MIT
// Built as a PIE with -ffunction-sections and --gc-sections: the site
// sections must survive, and so must a function that only a site record
// refers to, and patching must work through the start/stop symbols.
#include <gtest/gtest.h>
#include <link.h>

#include <set>
#include <string>

#include "altpv/hosted/process.h"
#include "altpv/op_ids.h"
#include "altpv/site.h"
#include "hosted/symbolizer.h"

// clang-format off
#define GC_SITE(name, original, patched)                                    \
  extern "C" [[gnu::noinline]] unsigned name() {                            \
    unsigned v;                                                             \
    asm volatile(ALTPV_SITE_BEGIN                                           \
                 ALTPV_ALT(ALTPV_FEATURE_PV, "mov $" #patched ", %%eax")    \
                 ALTPV_SITE_END(ALTPV_OP_NONE, "mov $" #original ", %%eax") \
                 : "=a"(v));                                                \
    return v;                                                               \
  }
// clang-format on

GC_SITE(gc_site_a, 1, 2)
GC_SITE(gc_site_b, 3, 4)
// Nothing calls this; only its site record keeps it.
GC_SITE(gc_unreferenced_site, 5, 6)

namespace altpv::testing {
namespace {

int main_image_base(dl_phdr_info* info, std::size_t, void* data) {
  *static_cast<std::uintptr_t*>(data) = info->dlpi_addr;
  return 1;  // the first entry is the executable
}

TEST(GcSections, ThisBinaryIsAPie) {
  std::uintptr_t base = 0;
  dl_iterate_phdr(main_image_base, &base);
  EXPECT_NE(base, 0u) << "not position-independent: the test proves nothing";
}

TEST(GcSections, SitesSurviveIncludingAnUnreferencedFunction) {
  const SiteTable table = hosted::process_site_table();
  std::set<std::string> functions;
  for (const SiteRecord* r = table.sites_begin; r != table.sites_end; ++r) {
    const std::string where = hosted::describe_address(r->site_address());
    functions.insert(where.substr(0, where.find('+')));
  }
  for (const char* name : {"gc_site_a", "gc_site_b", "gc_unreferenced_site"}) {
    EXPECT_EQ(functions.count(name), 1u) << name;
  }
}

TEST(GcSections, PatchingWorks) {
  EXPECT_EQ(gc_site_a(), 1u);
  EXPECT_EQ(gc_site_b(), 3u);
  const ApplyStats pv = hosted::patch_process(FeatureSet{}.set(Feature::Pv)).stats;
  EXPECT_GE(pv.patched, 3u);
  EXPECT_EQ(pv.refused, 0u);
  EXPECT_EQ(gc_site_a(), 2u);
  EXPECT_EQ(gc_site_b(), 4u);
  hosted::patch_process(FeatureSet{});
  EXPECT_EQ(gc_site_a(), 1u);
  EXPECT_EQ(gc_site_b(), 3u);
}

}  // namespace
}  // namespace altpv::testing
