// SPDX-License-Identifier: MIT
// The BSP's C++ entry (from guest_entry in entry.S, which pvh_entry.S joins
// on a PVH boot), given the boot block: exceptions first, so
// that anything after is reported; then the boot block; then patching, before
// any patched site runs; then the tests, which end the guest.
#include <cstdint>

#include "boot.h"
#include "boot_patching.h"
#include "idt.h"
#include "test_runner.h"

extern "C" [[noreturn]] void kernel_main(std::uintptr_t boot_block) {
  altpv::guest::idt_init();
  altpv::guest::idt_load();
  altpv::guest::boot_init(boot_block);
  altpv::guest::patch_at_boot(altpv::guest::cmdline());
  altpv::guest::run_tests(altpv::guest::cmdline());
}
