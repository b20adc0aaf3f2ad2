// SPDX-License-Identifier: MIT
#include "elf_file.h"

#include <elf.h>
#include <gelf.h>
#include <libelf.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <utility>

#include <fmt/format.h>

#include "inspect_error.h"

namespace altpv::inspect {
namespace {

struct ElfCloser {
  void operator()(Elf* elf) const { elf_end(elf); }
};
using ElfHandle = std::unique_ptr<Elf, ElfCloser>;

// [offset, offset+size) inside a file of `file_size` bytes, without overflow.
bool in_file(std::uint64_t offset, std::uint64_t size, std::uint64_t file_size) {
  return offset <= file_size && size <= file_size - offset;
}

std::vector<std::uint8_t> read_bytes(const std::string& path) {
  // A directory opens as a stream and throws only when read, with a message
  // about filebufs; a FIFO could block forever.
  std::error_code ec;
  const auto type = std::filesystem::status(path, ec).type();
  if (type == std::filesystem::file_type::directory) {
    throw InspectError(fmt::format("{}: is a directory, not an ELF file", path));
  }
  if (!ec && type != std::filesystem::file_type::regular) {
    throw InspectError(fmt::format("{}: not a regular file", path));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InspectError(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in),
                                  std::istreambuf_iterator<char>()};
  if (in.bad()) throw InspectError(fmt::format("{}: cannot read: {}", path, std::strerror(errno)));
  return bytes;
}

}  // namespace

bool Section::allocated() const {
  return (flags & SHF_ALLOC) != 0;
}
bool Section::executable() const {
  return (flags & SHF_EXECINSTR) != 0;
}
bool Section::has_file_bytes() const {
  return type != SHT_NOBITS;
}

void ElfFile::fail(const std::string& what) const {
  throw InspectError(fmt::format("{}: {}", path_, what));
}

const Section* ElfFile::find_section(std::string_view name) const {
  const auto it = std::find_if(sections_.begin(), sections_.end(),
                               [&](const Section& s) { return s.name == name; });
  return it != sections_.end() ? &*it : nullptr;
}

std::span<const std::uint8_t> ElfFile::contents(const Section& section) const {
  if (!section.has_file_bytes()) return {};
  // read() proved every section with file bytes lies inside the file.
  return std::span(bytes_).subspan(section.offset, section.size);
}

ElfFile ElfFile::read(const std::string& path) {
  return parse(path, read_bytes(path));
}

ElfFile ElfFile::parse(const std::string& path, std::vector<std::uint8_t> bytes) {
  ElfFile f;
  f.path_ = path;
  f.bytes_ = std::move(bytes);
  const std::vector<std::uint8_t>& b = f.bytes_;

  // The identification and header, checked by hand so that each problem gets
  // its own message before libelf sees the file.
  if (b.size() < EI_NIDENT || std::memcmp(b.data(), ELFMAG, SELFMAG) != 0) {
    f.fail("not an ELF file");
  }
  if (b[EI_CLASS] != ELFCLASS64) f.fail("not an ELF64 file");
  if (b[EI_DATA] != ELFDATA2LSB) f.fail("not a little-endian ELF file");
  if (b.size() < sizeof(Elf64_Ehdr)) f.fail("truncated ELF header");
  Elf64_Ehdr eh;
  std::memcpy(&eh, b.data(), sizeof eh);
  if (eh.e_machine != EM_X86_64) {
    f.fail(fmt::format("not an x86-64 file (e_machine {})", eh.e_machine));
  }
  if (eh.e_type == ET_REL) {
    f.fail(
        "relocatable object files are not supported; inspect the linked executable or "
        "shared object");
  }
  if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) {
    f.fail(fmt::format("unsupported ELF type {} (want an executable or shared object)", eh.e_type));
  }
  if (eh.e_shoff == 0) f.fail("no section header table");
  if (eh.e_shentsize != sizeof(Elf64_Shdr)) {
    f.fail(fmt::format("section header size {}, expected {}", eh.e_shentsize, sizeof(Elf64_Shdr)));
  }
  if (!in_file(eh.e_shoff, sizeof(Elf64_Shdr), b.size())) {
    f.fail("section header table outside the file (truncated?)");
  }

  elf_version(EV_CURRENT);
  const ElfHandle elf(elf_memory(reinterpret_cast<char*>(f.bytes_.data()), b.size()));
  std::size_t count = 0;
  std::size_t strndx = 0;
  if (!elf || elf_getshdrnum(elf.get(), &count) != 0 ||
      elf_getshdrstrndx(elf.get(), &strndx) != 0) {
    f.fail(fmt::format("unreadable section table: {}", elf_errmsg(-1)));
  }
  if (count > (b.size() - eh.e_shoff) / sizeof(Elf64_Shdr)) {
    f.fail(fmt::format("section header table ({} entries) outside the file (truncated?)", count));
  }

  for (Elf_Scn* scn = nullptr; (scn = elf_nextscn(elf.get(), scn)) != nullptr;) {
    GElf_Shdr sh;
    if (gelf_getshdr(scn, &sh) == nullptr) {
      f.fail(fmt::format("unreadable section header {}", elf_ndxscn(scn)));
    }
    const char* name = elf_strptr(elf.get(), strndx, sh.sh_name);
    Section s{name != nullptr ? name : fmt::format("<section {}>", elf_ndxscn(scn)),
              sh.sh_type,
              sh.sh_flags,
              sh.sh_addr,
              sh.sh_offset,
              sh.sh_size};
    if (s.has_file_bytes() && !in_file(s.offset, s.size, b.size())) {
      f.fail(
          fmt::format("section {}: bytes [{:#x}, {:#x}) outside the file ({} bytes; "
                      "truncated?)",
                      s.name, s.offset, s.offset + s.size, b.size()));
    }
    if (s.allocated() && s.addr + s.size < s.addr) {
      f.fail(fmt::format("section {}: address range wraps around", s.name));
    }
    f.sections_.push_back(std::move(s));
  }

  f.symbols_ = hosted::SymbolTable::read(elf.get());
  return f;
}

}  // namespace altpv::inspect
