// SPDX-License-Identifier: MIT
// Printing decoded instructions, as text (objdump-like) and as JSON.
#pragma once

#include <cstdint>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "disassembler.h"

namespace altpv::inspect {

// One line per instruction, "    0x1139:  0f 01 c6    wrmsrns", then the
// decoding error, if any. `address` is where the first byte sits.
void print_disassembly(std::FILE* out, const Disassembly& d, std::uint64_t address);

// [{"offset": 0, "bytes": "0f 01 c6", "text": "wrmsrns"}, ...], plus
// {"error": ...} as the last element when decoding stopped early.
nlohmann::json disassembly_json(const Disassembly& d);

}  // namespace altpv::inspect
