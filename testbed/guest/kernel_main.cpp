// SPDX-License-Identifier: MIT
// The BSP's C++ entry (from guest_entry in entry.S, which pvh_entry.S joins
// on a PVH boot), given the boot block: its %gs area and exceptions first,
// so that anything after is reported; then the boot block; then patching,
// and the key sites, before any of those sites runs; then events (the PV
// ones need the feature set); then the tests, which end the guest.
#include <cstdint>

#include "boot.h"
#include "boot_patching.h"
#include "idt.h"
#include "live_keys.h"
#include "test_runner.h"
#include "vcpu_area.h"

extern "C" [[noreturn]] void kernel_main(std::uintptr_t boot_block) {
  altpv::guest::vcpu_area_enter(0);
  altpv::guest::idt_init();
  altpv::guest::idt_load();
  altpv::guest::boot_init(boot_block);
  altpv::guest::patch_at_boot(altpv::guest::cmdline());
  altpv::guest::attach_live_keys();
  altpv::guest::vcpu_events_start(0,
                                  altpv::guest::boot_patching().features.has(altpv::Feature::Pv));
  altpv::guest::run_tests(altpv::guest::cmdline());
}
