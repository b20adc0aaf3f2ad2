// SPDX-License-Identifier: MIT
#include "guest_elf.h"

#include <stdexcept>

#include "disassembler.h"

namespace altpv::testbed::report {

const hosted::Symbol& find_function(const inspect::ElfFile& elf, const std::string& name) {
  for (const hosted::Symbol& sym : elf.symbols().symbols()) {
    if (sym.name == name) return sym;
  }
  throw std::runtime_error(elf.path() + ": no function " + name);
}

std::optional<std::span<const std::uint8_t>> code_at(const inspect::ElfFile& elf,
                                                     std::uint64_t address, std::size_t len) {
  for (const inspect::Section& s : elf.sections()) {
    if (!s.executable() || !s.has_file_bytes()) continue;
    if (address >= s.addr && address - s.addr <= s.size && len <= s.size - (address - s.addr)) {
      return elf.contents(s).subspan(address - s.addr, len);
    }
  }
  return std::nullopt;
}

const DecisionRecord* decision_in(const std::vector<DecisionRecord>& decisions,
                                  const inspect::ElfFile& elf, const std::string& function) {
  const hosted::Symbol& sym = find_function(elf, function);
  const DecisionRecord* found = nullptr;
  for (const DecisionRecord& d : decisions) {
    if (d.address < sym.address || d.address >= sym.address + sym.size) continue;
    if (found != nullptr) return nullptr;
    found = &d;
  }
  return found;
}

std::string describe_code(std::span<const std::uint8_t> bytes, std::uint64_t address,
                          const inspect::ElfFile& elf) {
  const inspect::Disassembly code = inspect::disassemble(bytes, address);
  std::string text;
  std::size_t nop_bytes = 0;
  for (const inspect::Instruction& insn : code.instructions) {
    if (insn.nop) {
      nop_bytes += insn.bytes.size();
      continue;
    }
    if (!text.empty()) text += "; ";
    text += insn.text;
    if (insn.branch_target) text += " <" + elf.symbols().describe(*insn.branch_target) + ">";
  }
  if (nop_bytes != 0) text += " + " + std::to_string(nop_bytes) + " bytes of NOP";
  if (!code.complete()) text += " (" + code.error + ")";
  return text;
}

std::string reference_function(const std::string& strategy, const std::string& op, Personality hv) {
  if (strategy == "pvops_direct") {
    return "figure_pvops_direct_" + std::string(hv == Personality::Pv ? "pv_" : "native_") + op;
  }
  // The lean-stub comparison is altpv's own site natively.
  if (strategy == "altpv_lean" && hv != Personality::Pv) return "figure_altpv_" + op;
  if (strategy == "altpv_lean") return "figure_altpv_lean_pv_" + op;
  return "figure_" + strategy + "_" + op;
}

CallSiteBytes call_site_bytes(const inspect::ElfFile& elf, const std::string& function) {
  const hosted::Symbol& sym = find_function(elf, function);
  if (sym.size == 0) throw std::runtime_error(elf.path() + ": " + function + " has no size");
  const auto bytes = code_at(elf, sym.address, sym.size);
  if (!bytes) {
    throw std::runtime_error(elf.path() + ": " + function + " is not inside an executable section");
  }
  // Decoded, not just the last byte inspected: a tail jump's rel32 may end in c3.
  const inspect::Disassembly code = inspect::disassemble(*bytes, sym.address);
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

}  // namespace altpv::testbed::report
