// SPDX-License-Identifier: MIT
// An ELF file opened for inspection: its sections, its laid-out site table
// and its symbols, with the naming every subcommand uses for a site.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "elf_file.h"
#include "site_image.h"

namespace altpv::inspect {

struct InspectedFile {
  explicit InspectedFile(const std::string& path) : InspectedFile(ElfFile::read(path)) {}
  explicit InspectedFile(ElfFile file) : elf(std::move(file)), image(elf), symbols(elf.symbols()) {}
  InspectedFile(const InspectedFile&) = delete;
  InspectedFile& operator=(const InspectedFile&) = delete;

  // The vaddr of site `index` (computed from its record, even a broken one).
  std::uint64_t site_address(std::size_t index) const {
    return image.vaddr(image.table().sites_begin[index].site_address());
  }
  // "site 3 @0x1139 <fn+0x4>" (no <...> when no symbol covers it).
  std::string site_label(std::size_t index) const;

  ElfFile elf;
  SiteImage image;
  const hosted::SymbolTable& symbols;  // elf's
};

}  // namespace altpv::inspect
