// SPDX-License-Identifier: MIT
// A PVH loader that gets the start_info wrong, simulated: a copy of the
// guest ELF whose PVH entry takes its start_info pointer from the wrong
// place. pvh_entry.S begins with `lea 0(%ebx), %esi` (3 bytes: 8d 73 00),
// which this rewrites; nothing else changes. The guest must panic with a
// message naming the problem and exit 2, not hang.
#pragma once

#include <string>
#include <string_view>

namespace altpv::testbed::report {

enum class LoaderFault {
  Missing,  // ebx = 0: `xor %esi, %esi; nop`
  Shifted,  // ebx + 8: the start_info's flags where its magic should be
};

// "missing" or "shifted".
std::string_view loader_fault_name(LoaderFault fault);

// Throws std::runtime_error when `guest` has no pvh_entry starting with the
// expected instruction.
void write_guest_with_loader_fault(const std::string& guest, LoaderFault fault,
                                   const std::string& out_path);

// The start of the panic line the guest must print for `fault`.
std::string_view expected_panic(LoaderFault fault);

}  // namespace altpv::testbed::report
