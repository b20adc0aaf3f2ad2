// SPDX-License-Identifier: MIT
// The function symbols of one ELF image, and symbol+offset lookups in them.
// Shared by the process symbolizer and the host tools (hosted only).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

struct Elf;  // libelf's handle

namespace altpv::hosted {

struct Symbol {
  std::uint64_t address = 0;  // st_value: link-time address
  std::uint64_t size = 0;
  std::string name;
};

class SymbolTable {
 public:
  // The defined, named STT_FUNC symbols of `elf`: from .symtab when the file
  // has one (it names static functions too), else .dynsym. Sorted by address.
  static SymbolTable read(Elf* elf);

  // "function+0x1c", or "" when no function symbol covers `address`. A
  // zero-sized symbol (hand-written asm) covers only its first byte.
  std::string describe(std::uint64_t address) const;

  const std::vector<Symbol>& symbols() const { return symbols_; }

 private:
  std::vector<Symbol> symbols_;
};

}  // namespace altpv::hosted
