// SPDX-License-Identifier: MIT
// The guest's test module: a key with the two sites of a stress run
// (live_stress.h), like the guest's own live.key_stress key, and a feature
// site that the loader patches with the boot's decisions. Compiled position
// independent, with no reference outside the module.
#include "altpv/key.h"
#include "altpv/linked_site_table.h"
#include "altpv/site.h"
#include "live_stress.h"
#include "module_header.h"

extern "C" const char __text_start[], __text_end[], __module_end[];

namespace altpv::guest {
namespace {

// In .data: a flat image carries no .bss.
[[gnu::section(".data.module_key")]] constinit altpv::Key module_key;

[[gnu::noinline]] unsigned feature_site() {
  unsigned v;
  asm volatile(ALTPV_SITE_BEGIN ALTPV_ALT(ALTPV_FEATURE_HYPERVISOR, "mov $0x4242, %%eax")
                   ALTPV_SITE_END(ALTPV_OP_NONE, "mov $0, %%eax")
               : "=a"(v));
  return v;
}
static_assert(kModuleHypervisor == 0x4242);

}  // namespace

extern "C"
    [[gnu::used, gnu::section(".module_header")]] constinit const ModuleHeader module_header = {
        kModuleMagic,
        __module_end,
        __start_altpv_sites,
        __stop_altpv_sites,
        __start_altpv_alts,
        __stop_altpv_alts,
        __start_altpv_repl,
        __stop_altpv_repl,
        __start_altpv_key_sites,
        __stop_altpv_key_sites,
        __start_altpv_key_refs,
        __stop_altpv_key_refs,
        __text_start,
        __text_end,
        &module_key,
        stress_value_site<module_key>,
        stress_arith_site<module_key>,
        feature_site};

}  // namespace altpv::guest
