// SPDX-License-Identifier: MIT
// symbol+offset for code addresses in this process, from the ELF symbol
// tables (.symtab, else .dynsym) of the module that contains the address.
#pragma once

#include <cstdint>
#include <string>

namespace altpv::hosted {

// "function+0x1c", or "" when no symbol covers the address. C++ names are
// demangled: "altpv::cpu_number()+0x4", not "_ZN5altpv10cpu_numberEv+0x4".
std::string describe_address(std::uintptr_t address);

}  // namespace altpv::hosted
