// SPDX-License-Identifier: MIT
// A copy of a fixture ELF file that a test corrupts or patches, then saves.
#pragma once

#include <elf.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace altpv::inspect::test {

class ElfEdit {
 public:
  explicit ElfEdit(const std::string& path);

  std::vector<std::uint8_t>& bytes() { return bytes_; }

  template <typename T>
  T get(std::uint64_t offset) const {
    T v;
    std::memcpy(&v, bytes_.data() + offset, sizeof v);
    return v;
  }
  template <typename T>
  void put(std::uint64_t offset, const T& v) {
    std::memcpy(bytes_.data() + offset, &v, sizeof v);
  }

  Elf64_Ehdr header() const { return get<Elf64_Ehdr>(0); }
  // The file offset of the header of section `name` (fails the test if absent).
  std::uint64_t section_header_offset(const std::string& name) const;
  Elf64_Shdr section(const std::string& name) const {
    return get<Elf64_Shdr>(section_header_offset(name));
  }
  // The file offset of virtual address `vaddr`, through the section holding it.
  std::uint64_t file_offset(std::uint64_t vaddr) const;

  // Writes the bytes to a scratch file and returns its path.
  std::string save(const std::string& name) const;

 private:
  std::vector<std::uint8_t> bytes_;
};

}  // namespace altpv::inspect::test
