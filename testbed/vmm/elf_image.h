// SPDX-License-Identifier: MIT
// A guest kernel ELF64 file, validated against the guest's memory layout
// before a single byte is copied. Works on a byte buffer so tests can feed it
// malformed files directly.
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

#include "guest_memory.h"

namespace altpv::vmm {

// Thrown with a message naming the first problem found.
class ElfError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct LoadSegment {
  std::uint64_t file_offset;
  std::uint64_t file_size;
  std::uint64_t gpa;  // == p_vaddr == p_paddr: the guest is identity mapped
  std::uint64_t mem_size;
  bool executable;
};

struct ElfImage {
  std::uint64_t entry;
  std::vector<LoadSegment> segments;  // PT_LOAD only, sorted by gpa
};

struct ElfPlacement {
  std::uint64_t ram_size;      // segments must end at or below this
  std::uint64_t reserved_end;  // [0, reserved_end) belongs to the VMM
};

inline constexpr std::uint16_t kMaxProgramHeaders = 64;

ElfImage parse_elf(std::span<const std::uint8_t> file, const ElfPlacement& placement);

// Copies file bytes and zeroes the rest of each segment (.bss).
void load_elf(const ElfImage& image, std::span<const std::uint8_t> file, GuestMemory& memory);

}  // namespace altpv::vmm
