// SPDX-License-Identifier: MIT
#include "elf_image.h"

#include <elf.h>

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace altpv::vmm {
namespace {

// [offset, offset + size) inside a buffer of `total` bytes, without overflow.
bool within(std::uint64_t offset, std::uint64_t size, std::uint64_t total) {
  return size <= total && offset <= total - size;
}

[[noreturn]] void fail(const std::string& what) {
  throw ElfError(what);
}

void check_header(const Elf64_Ehdr& eh, std::uint64_t file_size) {
  if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) fail("bad ELF magic: not an ELF file");
  if (eh.e_ident[EI_CLASS] != ELFCLASS64) {
    fail(fmt::format("ELF class {} is not ELFCLASS64", eh.e_ident[EI_CLASS]));
  }
  if (eh.e_ident[EI_DATA] != ELFDATA2LSB) {
    fail(fmt::format("ELF data encoding {} is not little-endian", eh.e_ident[EI_DATA]));
  }
  if (eh.e_ident[EI_VERSION] != EV_CURRENT || eh.e_version != EV_CURRENT) {
    fail("ELF version is not EV_CURRENT");
  }
  if (eh.e_machine != EM_X86_64) {
    fail(fmt::format("ELF machine {} is not EM_X86_64 ({})", eh.e_machine, EM_X86_64));
  }
  if (eh.e_type != ET_EXEC) {
    fail(fmt::format("ELF type {} is not ET_EXEC (a statically linked kernel)", eh.e_type));
  }
  if (eh.e_ehsize != sizeof(Elf64_Ehdr)) {
    fail(fmt::format("ELF header size {} is not {}", eh.e_ehsize, sizeof(Elf64_Ehdr)));
  }
  if (eh.e_phnum == 0) fail("ELF has no program headers");
  if (eh.e_phnum > kMaxProgramHeaders) {
    fail(fmt::format("ELF has too many program headers: phnum {} > {}", eh.e_phnum,
                     kMaxProgramHeaders));
  }
  if (eh.e_phentsize != sizeof(Elf64_Phdr)) {
    fail(fmt::format("program header entry size {} is not {}", eh.e_phentsize, sizeof(Elf64_Phdr)));
  }
  if (!within(eh.e_phoff, std::uint64_t{eh.e_phnum} * sizeof(Elf64_Phdr), file_size)) {
    fail(fmt::format("program header table (phoff {:#x}, {} entries) lies outside the {}-byte file",
                     eh.e_phoff, eh.e_phnum, file_size));
  }
}

LoadSegment check_load(const Elf64_Phdr& ph, unsigned index, std::uint64_t file_size,
                       const ElfPlacement& placement) {
  if (ph.p_filesz > ph.p_memsz) {
    fail(fmt::format("segment {}: filesz {:#x} > memsz {:#x}", index, ph.p_filesz, ph.p_memsz));
  }
  if (!within(ph.p_offset, ph.p_filesz, file_size)) {
    fail(
        fmt::format("segment {}: file bytes (offset {:#x}, filesz {:#x}) lie outside the "
                    "{}-byte file (truncated?)",
                    index, ph.p_offset, ph.p_filesz, file_size));
  }
  if (ph.p_vaddr != ph.p_paddr) {
    fail(fmt::format("segment {}: vaddr {:#x} != paddr {:#x}, but the guest is identity mapped",
                     index, ph.p_vaddr, ph.p_paddr));
  }
  if (!within(ph.p_paddr, ph.p_memsz, placement.ram_size)) {
    fail(fmt::format("segment {}: [{:#x}, +{:#x}) lies outside guest RAM ({:#x} bytes)", index,
                     ph.p_paddr, ph.p_memsz, placement.ram_size));
  }
  if (ph.p_memsz != 0 && ph.p_paddr < placement.reserved_end) {
    fail(
        fmt::format("segment {}: [{:#x}, +{:#x}) overlaps the VMM's reserved low region "
                    "[0, {:#x}) (page tables, GDT, BootInfo, stack); link the guest at or "
                    "above {:#x}",
                    index, ph.p_paddr, ph.p_memsz, placement.reserved_end, placement.reserved_end));
  }
  return {ph.p_offset, ph.p_filesz, ph.p_paddr, ph.p_memsz, (ph.p_flags & PF_X) != 0};
}

}  // namespace

ElfImage parse_elf(std::span<const std::uint8_t> file, const ElfPlacement& placement) {
  if (file.size() < sizeof(Elf64_Ehdr)) {
    fail(fmt::format("truncated: file is {} bytes, an ELF64 header needs {}", file.size(),
                     sizeof(Elf64_Ehdr)));
  }
  Elf64_Ehdr eh;
  std::memcpy(&eh, file.data(), sizeof eh);
  check_header(eh, file.size());

  ElfImage image{eh.e_entry, {}};
  for (unsigned i = 0; i < eh.e_phnum; ++i) {
    Elf64_Phdr ph;
    std::memcpy(&ph, file.data() + eh.e_phoff + i * sizeof(Elf64_Phdr), sizeof ph);
    if (ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
    image.segments.push_back(check_load(ph, i, file.size(), placement));
  }
  if (image.segments.empty()) fail("ELF has no loadable (PT_LOAD) segment");

  std::sort(image.segments.begin(), image.segments.end(),
            [](const LoadSegment& a, const LoadSegment& b) { return a.gpa < b.gpa; });
  for (std::size_t i = 1; i < image.segments.size(); ++i) {
    const LoadSegment& prev = image.segments[i - 1];
    const LoadSegment& cur = image.segments[i];
    if (cur.gpa < prev.gpa + prev.mem_size) {
      fail(fmt::format("overlapping segments: [{:#x}, +{:#x}) and [{:#x}, +{:#x})", prev.gpa,
                       prev.mem_size, cur.gpa, cur.mem_size));
    }
  }

  bool entry_ok =
      std::any_of(image.segments.begin(), image.segments.end(), [&](const LoadSegment& s) {
        return s.executable && eh.e_entry >= s.gpa && eh.e_entry - s.gpa < s.file_size;
      });
  if (!entry_ok) {
    fail(
        fmt::format("entry point {:#x} is not inside the file bytes of an executable PT_LOAD "
                    "segment",
                    eh.e_entry));
  }
  return image;
}

void load_elf(const ElfImage& image, std::span<const std::uint8_t> file, GuestMemory& memory) {
  for (const LoadSegment& s : image.segments) {
    memory.write(s.gpa, file.subspan(s.file_offset, s.file_size));
    auto bss = memory.bytes(s.gpa + s.file_size, s.mem_size - s.file_size);
    std::fill(bss->begin(), bss->end(), 0);
  }
}

}  // namespace altpv::vmm
