// SPDX-License-Identifier: MIT
#include "pvh_loader_fault.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <vector>

#include "elf_file.h"

namespace altpv::testbed::report {

namespace {

constexpr std::array<std::uint8_t, 3> kLeaEsiEbx = {0x8d, 0x73, 0x00};  // lea 0(%ebx), %esi

std::array<std::uint8_t, 3> replacement(LoaderFault fault) {
  if (fault == LoaderFault::Missing) return {0x31, 0xf6, 0x90};  // xor %esi, %esi; nop
  return {0x8d, 0x73, 0x08};                                     // lea 8(%ebx), %esi
}

}  // namespace

std::string_view loader_fault_name(LoaderFault fault) {
  return fault == LoaderFault::Missing ? "missing" : "shifted";
}

std::string_view expected_panic(LoaderFault fault) {
  return fault == LoaderFault::Missing
             ? "guest: panic: PVH start_info: missing (the loader passed ebx = 0)"
             : "guest: panic: PVH start_info: bad magic 0x0 at 0x";
}

void write_guest_with_loader_fault(const std::string& guest, LoaderFault fault,
                                   const std::string& out_path) {
  const inspect::ElfFile elf = inspect::ElfFile::read(guest);
  const auto& symbols = elf.symbols().symbols();
  const auto entry = std::find_if(symbols.begin(), symbols.end(),
                                  [](const auto& s) { return s.name == "pvh_entry"; });
  if (entry == symbols.end()) throw std::runtime_error(guest + ": no pvh_entry symbol");
  const inspect::Section* text = elf.find_section(".text");
  if (text == nullptr || entry->address < text->addr ||
      entry->address + kLeaEsiEbx.size() > text->addr + text->size) {
    throw std::runtime_error(guest + ": pvh_entry is not in .text");
  }
  std::ifstream in(guest, std::ios::binary);
  std::vector<char> bytes{std::istreambuf_iterator<char>(in), {}};
  const std::size_t at = text->offset + (entry->address - text->addr);
  if (!std::equal(kLeaEsiEbx.begin(), kLeaEsiEbx.end(),
                  reinterpret_cast<const std::uint8_t*>(bytes.data() + at))) {
    throw std::runtime_error(guest + ": pvh_entry does not start with lea 0(%ebx), %esi");
  }
  const auto with = replacement(fault);
  std::copy(with.begin(), with.end(), bytes.begin() + static_cast<std::ptrdiff_t>(at));
  std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + out_path);
}

}  // namespace altpv::testbed::report
