// SPDX-License-Identifier: MIT
// The boot block the VMM passed, checked once at entry, and the command line
// it carries. Read-only after boot_init.
#pragma once

#include "abi/abi.h"
#include "cmdline.h"

namespace altpv::guest {

// Checks the block (magic, version, command line inside RAM) and keeps it;
// panics when it is not a block this guest understands.
void boot_init(const altpv::testbed::BootInfo* info);

const altpv::testbed::BootInfo& boot_info();
const Cmdline& cmdline();

}  // namespace altpv::guest
