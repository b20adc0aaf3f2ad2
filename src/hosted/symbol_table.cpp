// SPDX-License-Identifier: MIT
#include "hosted/symbol_table.h"

#include <gelf.h>
#include <libelf.h>

#include <algorithm>
#include <cstdio>

namespace altpv::hosted {

SymbolTable SymbolTable::read(Elf* elf) {
  SymbolTable table;
  Elf_Scn* chosen = nullptr;
  for (Elf_Scn* scn = nullptr; elf != nullptr && (scn = elf_nextscn(elf, scn)) != nullptr;) {
    GElf_Shdr sh;
    if (gelf_getshdr(scn, &sh) == nullptr) continue;
    if (sh.sh_type == SHT_SYMTAB || (sh.sh_type == SHT_DYNSYM && chosen == nullptr)) chosen = scn;
  }
  GElf_Shdr sh;
  Elf_Data* data = chosen != nullptr ? elf_getdata(chosen, nullptr) : nullptr;
  if (data != nullptr && gelf_getshdr(chosen, &sh) != nullptr &&
      sh.sh_entsize == sizeof(Elf64_Sym)) {
    for (std::size_t i = 0; i < sh.sh_size / sh.sh_entsize; ++i) {
      GElf_Sym sym;
      if (gelf_getsym(data, static_cast<int>(i), &sym) == nullptr) continue;
      if (GELF_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_shndx == SHN_UNDEF) continue;
      const char* name = elf_strptr(elf, sh.sh_link, sym.st_name);
      if (name != nullptr && name[0] != '\0') {
        table.symbols_.push_back({sym.st_value, sym.st_size, name});
      }
    }
  }
  std::sort(table.symbols_.begin(), table.symbols_.end(),
            [](const Symbol& a, const Symbol& b) { return a.address < b.address; });
  return table;
}

std::string SymbolTable::describe(std::uint64_t address) const {
  auto s = std::upper_bound(symbols_.begin(), symbols_.end(), address,
                            [](std::uint64_t a, const Symbol& sym) { return a < sym.address; });
  if (s == symbols_.begin()) return {};
  --s;
  if (address - s->address >= std::max<std::uint64_t>(s->size, 1)) return {};
  char offset[32];
  std::snprintf(offset, sizeof offset, "+%#llx",
                static_cast<unsigned long long>(address - s->address));
  return s->name + offset;
}

}  // namespace altpv::hosted
