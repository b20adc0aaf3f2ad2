// SPDX-License-Identifier: MIT
// A shared library built against libaltpv.a with two sites of its own.
#include "altpv/hosted/process.h"
#include "image_sites.h"

IMAGE_VALUE_SITE(image_lib_value, LIB_ORIGINAL, LIB_IF_PV, LIB_IF_NOT_PV)
IMAGE_VALUE_SITE(image_lib_second_value, 33, 34, 35)

std::size_t image_lib_site_count() {
  return image_site_count();
}

ImagePatch image_lib_patch() {
  const altpv::hosted::PatchResult r = altpv::hosted::patch_process_at_startup();
  return {r.ok, r.stats.sites, r.stats.patched, r.stats.unchanged};
}
