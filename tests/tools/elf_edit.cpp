// SPDX-License-Identifier: MIT
#include "elf_edit.h"

#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "tool_runner.h"

namespace altpv::inspect::test {

ElfEdit::ElfEdit(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  bytes_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  EXPECT_GE(bytes_.size(), sizeof(Elf64_Ehdr)) << path;
}

std::uint64_t ElfEdit::section_header_offset(const std::string& name) const {
  const Elf64_Ehdr eh = header();
  const auto strtab = get<Elf64_Shdr>(eh.e_shoff + eh.e_shstrndx * sizeof(Elf64_Shdr));
  for (unsigned i = 0; i < eh.e_shnum; ++i) {
    const std::uint64_t at = eh.e_shoff + i * sizeof(Elf64_Shdr);
    const auto sh = get<Elf64_Shdr>(at);
    if (name == reinterpret_cast<const char*>(bytes_.data() + strtab.sh_offset + sh.sh_name)) {
      return at;
    }
  }
  ADD_FAILURE() << "no section " << name;
  return 0;
}

std::uint64_t ElfEdit::file_offset(std::uint64_t vaddr) const {
  const Elf64_Ehdr eh = header();
  for (unsigned i = 0; i < eh.e_shnum; ++i) {
    const auto sh = get<Elf64_Shdr>(eh.e_shoff + i * sizeof(Elf64_Shdr));
    if ((sh.sh_flags & SHF_ALLOC) != 0 && sh.sh_type != SHT_NOBITS && vaddr >= sh.sh_addr &&
        vaddr < sh.sh_addr + sh.sh_size) {
      return vaddr - sh.sh_addr + sh.sh_offset;
    }
  }
  ADD_FAILURE() << "no section holds " << vaddr;
  return 0;
}

std::string ElfEdit::save(const std::string& name) const {
  const std::string path = scratch_path(name);
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes_.data()),
            static_cast<std::streamsize>(bytes_.size()));
  return path;
}

}  // namespace altpv::inspect::test
