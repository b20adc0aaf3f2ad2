// symbol+offset for addresses in an ELF file, from its function symbols.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "elf_file.h"

namespace altpv::inspect {

class Symbolizer {
 public:
  // `symbols` sorted by address, as ElfFile::symbols() returns them.
  explicit Symbolizer(const std::vector<Symbol>& symbols) : symbols_(symbols) {}

  // "function+0x1c", or "" when no function symbol covers `address`.
  std::string describe(std::uint64_t address) const;

 private:
  const std::vector<Symbol>& symbols_;
};

}  // namespace altpv::inspect
