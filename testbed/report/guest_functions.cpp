// SPDX-License-Identifier: MIT
#include "guest_functions.h"

#include <stdexcept>

#include "elf_file.h"

namespace altpv::demo {

const hosted::Symbol& find_function(const inspect::ElfFile& elf, const std::string& name) {
  for (const hosted::Symbol& sym : elf.symbols().symbols()) {
    if (sym.name == name) return sym;
  }
  throw std::runtime_error(elf.path() + ": no function " + name);
}

const SiteDecision* decision_in(const std::vector<SiteDecision>& decisions,
                                const inspect::ElfFile& elf, const std::string& function) {
  const hosted::Symbol& sym = find_function(elf, function);
  return find_site_in(decisions, sym.address, sym.address + sym.size);
}

}  // namespace altpv::demo
