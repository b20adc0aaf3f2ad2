// SPDX-License-Identifier: MIT
// A shared library built against libaltpv.a with two sites and a key of
// its own.
#include "altpv/hosted/process.h"
#include "altpv/key.h"
#include "image_sites.h"

namespace {
altpv::Key g_lib_key;
}  // namespace

IMAGE_VALUE_SITE(image_lib_value, LIB_ORIGINAL, LIB_IF_PV, LIB_IF_NOT_PV)
IMAGE_VALUE_SITE(image_lib_second_value, 33, 34, 35)

std::size_t image_lib_site_count() {
  return image_site_count();
}

ImagePatch image_lib_patch() {
  const altpv::hosted::PatchResult r = altpv::hosted::patch_process_at_startup();
  return {r.ok, r.stats.sites, r.stats.patched, r.stats.unchanged};
}

unsigned image_lib_key_value() {
  unsigned v;
  asm volatile(ALTPV_KEY_SITE(ALTPV_KEY_REF, "mov $" IMAGE_XSTR(LIB_KEY_ENABLED) ", %%eax",
                              "mov $" IMAGE_XSTR(LIB_KEY_DISABLED) ", %%eax")
               : "=a"(v)
               : ALTPV_KEY_OPERAND(g_lib_key));
  return v;
}

bool image_lib_key_set(bool enabled) {
  const altpv::KeySwitch s = g_lib_key.set(enabled);
  return s.ok && s.sites == 1;
}
