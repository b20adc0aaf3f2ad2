// SPDX-License-Identifier: MIT
// The guest's test module: a key with two sites, the same shapes as the
// guest's own live.key_stress key (live_stress.h), and a feature site that
// the loader patches with the boot's decisions. Compiled position
// independent, with no reference outside the module.
#include "altpv/key.h"
#include "altpv/linked_site_table.h"
#include "altpv/site.h"
#include "module_header.h"

extern "C" const char __text_start[], __text_end[], __module_end[];

namespace altpv::guest {
namespace {

// In .data: a flat image carries no .bss.
[[gnu::section(".data.module_key")]] constinit altpv::Key module_key;

[[gnu::noinline]] unsigned value_site() {
  unsigned v;
  asm volatile(ALTPV_KEY_SITE(ALTPV_KEY_REF, "mov $0x1111, %%eax", "mov $0x2222, %%eax")
               : "=a"(v)
               : ALTPV_KEY_OPERAND(module_key));
  return v;
}

[[gnu::noinline]] unsigned arith_site(unsigned x) {
  asm volatile(ALTPV_KEY_SITE(ALTPV_KEY_REF, "add $0x300, %%eax", "xor $0x500, %%eax")
               : "+a"(x)
               : ALTPV_KEY_OPERAND(module_key)
               : "cc");
  return x;
}

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
        value_site,
        arith_site,
        feature_site};

}  // namespace altpv::guest
