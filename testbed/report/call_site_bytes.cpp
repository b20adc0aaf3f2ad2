// SPDX-License-Identifier: MIT
#include "call_site_bytes.h"

#include <stdexcept>

#include "disassembler.h"
#include "elf_file.h"
#include "guest_functions.h"

namespace altpv::demo {
namespace {

// The symbol's bytes, from the executable section that holds all of them.
std::span<const std::uint8_t> code_of(const inspect::ElfFile& elf, const hosted::Symbol& sym) {
  for (const inspect::Section& s : elf.sections()) {
    if (!s.executable() || !s.has_file_bytes()) continue;
    if (sym.address >= s.addr && sym.address - s.addr + sym.size <= s.size) {
      return elf.contents(s).subspan(sym.address - s.addr, sym.size);
    }
  }
  throw std::runtime_error(elf.path() + ": " + sym.name + " is not inside an executable section");
}

}  // namespace

std::string reference_function(const std::string& strategy, const std::string& op, Personality hv) {
  if (strategy == "pvops_direct") {
    return "figure_pvops_direct_" + std::string(hv == Personality::Pv ? "pv_" : "native_") + op;
  }
  return "figure_" + strategy + "_" + op;
}

CallSiteBytes call_site_bytes(const inspect::ElfFile& elf, const std::string& function) {
  const hosted::Symbol& sym = find_function(elf, function);
  if (sym.size == 0) throw std::runtime_error(elf.path() + ": " + function + " has no size");
  // Decoded, not just the last byte inspected: a tail jump's rel32 may end in c3.
  const inspect::Disassembly code = inspect::disassemble(code_of(elf, sym), sym.address);
  if (!code.complete() || code.instructions.empty()) {
    throw std::runtime_error(elf.path() + ": cannot decode " + function + ": " + code.error);
  }
  CallSiteBytes b{function, sym.address, sym.size, sym.size, false, {}};
  b.ends_in_ret = code.instructions.back().bytes == std::vector<std::uint8_t>{0xc3};
  if (b.ends_in_ret) --b.bytes;
  for (const inspect::Instruction& insn : code.instructions) {
    if (!b.disassembly.empty()) b.disassembly += "; ";
    b.disassembly += insn.text;
  }
  return b;
}

}  // namespace altpv::demo
