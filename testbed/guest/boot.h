// SPDX-License-Identifier: MIT
// The boot block the entry was given, checked once, and the command line it
// carries. Read-only after boot_init.
#pragma once

#include <cstdint>

#include "abi/abi.h"
#include "cmdline.h"
#include "pvh_start_info.h"

namespace altpv::guest {

// `boot_block` is altpv-vmm's BootInfo, or the PVH start_info on a PVH boot
// (platform.h). Checks it (magic, version, command line inside RAM; for
// PVH also the memory map) and keeps it; panics when it is not a block this
// guest understands.
void boot_init(std::uintptr_t boot_block);

// altpv-vmm's block (all zero on a PVH boot).
const altpv::testbed::BootInfo& boot_info();
// What the PVH start_info said (all zero under altpv-vmm).
const PvhBoot& pvh_boot();
const Cmdline& cmdline();
// The end of the RAM that holds the image, which the guest may use above
// it: altpv-vmm's mem_size, or on a PVH boot the end of the memory map's
// RAM range that holds the image (at most the 4 GiB the PVH entry maps).
std::uint64_t ram_end();

}  // namespace altpv::guest
