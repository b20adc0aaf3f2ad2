// SPDX-License-Identifier: MIT
// What the image tests put in each image (the host executables and two
// shared libraries): value sites whose alternatives tell which decision
// patched them, a count of the image's own sites read from its own section
// bounds, and the result of a patch call made inside the image.
#pragma once

#include <cstddef>

#include "altpv/linked_site_table.h"
#include "altpv/op_ids.h"
#include "altpv/site.h"

#define IMAGE_STR(x) #x
#define IMAGE_XSTR(x) IMAGE_STR(x)

// clang-format off
// A function whose site leaves `original` in eax until patched, then
// `if_pv` or `if_not_pv` as the process decision has PV or not.
#define IMAGE_VALUE_SITE(name, original, if_pv, if_not_pv)                            \
  extern "C" [[gnu::noinline]] unsigned name() {                                      \
    unsigned v;                                                                       \
    asm volatile(ALTPV_SITE_BEGIN                                                     \
                 ALTPV_ALT(ALTPV_FEATURE_PV, "mov $" IMAGE_XSTR(if_pv) ", %%eax")                 \
                 ALTPV_ALT(ALTPV_NOT(ALTPV_FEATURE_PV), "mov $" IMAGE_XSTR(if_not_pv) ", %%eax")  \
                 ALTPV_SITE_END(ALTPV_OP_NONE, "mov $" IMAGE_XSTR(original) ", %%eax")           \
                 : "=a"(v));                                                          \
    return v;                                                                         \
  }
// clang-format on

// What a site of IMAGE_VALUE_SITE holds for a decision with or without PV.
constexpr unsigned image_value(unsigned if_pv, unsigned if_not_pv, bool pv) {
  return pv ? if_pv : if_not_pv;
}

// Sites in the calling image, counted from its own (hidden) section bounds,
// independently of altpv's functions. Static: one copy per image, never
// bound to another image's.
static inline std::size_t image_site_count() {
  return static_cast<std::size_t>(__stop_altpv_sites - __start_altpv_sites);
}

// A patch call's counts, across the C interface of the libraries.
struct ImagePatch {
  bool ok;
  std::size_t sites;
  std::size_t patched;
  std::size_t unchanged;
};

// The values of the libraries' sites.
#define LIB_ORIGINAL 30
#define LIB_IF_PV 31
#define LIB_IF_NOT_PV 32
#define LIB_KEY_DISABLED 61
#define LIB_KEY_ENABLED 62
#define CTOR_LIB_ORIGINAL 50
#define CTOR_LIB_IF_PV 51
#define CTOR_LIB_IF_NOT_PV 52

// The libraries' C interface.
extern "C" {
unsigned image_lib_value();
std::size_t image_lib_site_count();
ImagePatch image_lib_patch();
// A key of the library, and its one site.
unsigned image_lib_key_value();
bool image_lib_key_set(bool enabled);
unsigned ctor_lib_value();
std::size_t ctor_lib_site_count();
// What patch_process_at_startup() returned in the library's constructor,
// and what its site held right after.
ImagePatch ctor_lib_patch_in_constructor();
unsigned ctor_lib_value_in_constructor();
}
