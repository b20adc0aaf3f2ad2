// SPDX-License-Identifier: MIT
// An ELF64 x86-64 executable or shared object, read whole and validated:
// header, section table and every section's file range are checked before
// anything is read through them.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hosted/symbol_table.h"

namespace altpv::inspect {

struct Section {
  std::string name;
  std::uint32_t type = 0;   // SHT_*
  std::uint64_t flags = 0;  // SHF_*
  std::uint64_t addr = 0;
  std::uint64_t offset = 0;
  std::uint64_t size = 0;

  bool allocated() const;
  bool executable() const;
  bool has_file_bytes() const;  // not SHT_NOBITS
};

class ElfFile {
 public:
  // Reads and validates `path`; throws InspectError("PATH: problem").
  static ElfFile read(const std::string& path);
  // Validates `bytes`, named `path` in messages.
  static ElfFile parse(const std::string& path, std::vector<std::uint8_t> bytes);

  const std::string& path() const { return path_; }
  const std::vector<Section>& sections() const { return sections_; }
  // The first section called `name`, or nullptr.
  const Section* find_section(std::string_view name) const;
  // The section's bytes in the file (empty for SHT_NOBITS).
  std::span<const std::uint8_t> contents(const Section& section) const;
  // Function symbols from .symtab (or .dynsym when stripped), by address.
  const hosted::SymbolTable& symbols() const { return symbols_; }

  // Throws InspectError("PATH: what").
  [[noreturn]] void fail(const std::string& what) const;

 private:
  std::string path_;
  std::vector<std::uint8_t> bytes_;
  std::vector<Section> sections_;
  hosted::SymbolTable symbols_;
};

}  // namespace altpv::inspect
