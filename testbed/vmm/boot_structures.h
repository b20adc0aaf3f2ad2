// SPDX-License-Identifier: MIT
// The state a guest sees at its ELF entry point: identity page tables, a GDT
// in guest memory, the BootInfo block and command line, and the long-mode
// segment/control registers that refer to them.
#pragma once

#include <linux/kvm.h>

#include <cstdint>
#include <string_view>

#include "guest_memory.h"

namespace altpv::vmm {

// Writes page tables, GDT, BootInfo and command line below layout::kReservedEnd.
// The command line must fit testbed::kMaxCmdline (checked by the caller).
void write_boot_structures(GuestMemory& memory, std::uint32_t vcpu_count, std::string_view cmdline,
                           std::uint32_t tick_us = 0);

// Long mode with paging on, flat 64-bit code and data segments from the GDT.
void apply_long_mode_sregs(kvm_sregs& sregs);

}  // namespace altpv::vmm
