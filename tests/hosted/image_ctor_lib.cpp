// SPDX-License-Identifier: MIT
// A shared library whose constructor patches: the call must patch this
// library's sites, not the executable's.
#include "altpv/hosted/process.h"
#include "image_sites.h"

IMAGE_VALUE_SITE(ctor_lib_value, CTOR_LIB_ORIGINAL, CTOR_LIB_IF_PV, CTOR_LIB_IF_NOT_PV)

namespace {

ImagePatch g_patch{};
unsigned g_value = 0;

[[gnu::constructor]] void patch_in_constructor() {
  const altpv::hosted::PatchResult r = altpv::hosted::patch_process_at_startup();
  g_patch = {r.ok, r.stats.sites, r.stats.patched, r.stats.unchanged};
  g_value = ctor_lib_value();
}

}  // namespace

std::size_t ctor_lib_site_count() {
  return image_site_count();
}

ImagePatch ctor_lib_patch_in_constructor() {
  return g_patch;
}

unsigned ctor_lib_value_in_constructor() {
  return g_value;
}
