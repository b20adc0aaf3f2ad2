// SPDX-License-Identifier: MIT
#include "disassembly_output.h"

#include <fmt/format.h>

namespace altpv::inspect {

void print_disassembly(std::FILE* out, const Disassembly& d, std::uint64_t address) {
  for (const Instruction& insn : d.instructions) {
    fmt::print(out, "    {:#x}:  {:<30} {}\n", address + insn.offset, hex_bytes(insn.bytes),
               insn.text);
  }
  if (!d.complete()) fmt::print(out, "    (bad) {}\n", d.error);
}

nlohmann::json disassembly_json(const Disassembly& d) {
  nlohmann::json out = nlohmann::json::array();
  for (const Instruction& insn : d.instructions) {
    out.push_back({{"offset", insn.offset}, {"bytes", hex_bytes(insn.bytes)}, {"text", insn.text}});
  }
  if (!d.complete()) out.push_back({{"error", d.error}});
  return out;
}

}  // namespace altpv::inspect
