// SPDX-License-Identifier: MIT
// The PVH start_info a PVH loader passes in ebx (pvh_entry.S): Xen's
// struct hvm_start_info, version 1, with its memory map
// (xen/include/public/arch-x86/hvm/start_info.h). Read once at boot, checked
// field by field: a loader that passes no block, or a wrong one, ends the
// boot with a panic that names the problem instead of a wild read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace altpv::guest {

inline constexpr std::uint32_t kPvhStartInfoMagic = 0x336ec578;
inline constexpr std::uint32_t kPvhMemmapRam = 1;  // E820 type: usable RAM
// More entries than any loader writes for a small guest: a larger count is
// taken for garbage.
inline constexpr std::uint32_t kPvhMaxMemmapEntries = 128;

struct PvhStartInfo {
  std::uint32_t magic;  // kPvhStartInfoMagic
  std::uint32_t version;
  std::uint32_t flags;
  std::uint32_t nr_modules;
  std::uint64_t modlist_paddr;
  std::uint64_t cmdline_paddr;  // NUL-terminated; 0: none
  std::uint64_t rsdp_paddr;
  // Version 1 and later:
  std::uint64_t memmap_paddr;
  std::uint32_t memmap_entries;
  std::uint32_t reserved;
};
static_assert(sizeof(PvhStartInfo) == 56);

struct PvhMemmapEntry {
  std::uint64_t addr;
  std::uint64_t size;
  std::uint32_t type;  // kPvhMemmapRam, or another E820 type
  std::uint32_t reserved;
};
static_assert(sizeof(PvhMemmapEntry) == 24);

// pvh_entry.S identity-maps this much; nothing above it can be read.
inline constexpr std::uint64_t kPvhMapped = std::uint64_t{4} << 30;

// What the guest takes from a good start_info.
struct PvhBoot {
  std::uint32_t version = 0;
  std::string_view cmdline;
  std::uint32_t memmap_entries = 0;
  std::uint32_t ram_ranges = 0;       // entries of type kPvhMemmapRam
  std::uint64_t ram_bytes = 0;        // their total size
  std::uint64_t image_range_end = 0;  // end of the RAM range that holds the image
};

// The start_info at `address` (guest-physical = virtual; the PVH entry maps
// the first 4 GiB), checked: magic, version, memory map (present, sane
// count, inside the mapped range, a RAM range that holds the whole image
// [image_begin, image_end)), command line (inside the mapped range,
// NUL-terminated within `max_cmdline` bytes). On success returns true and
// fills `boot`; otherwise writes the problem, in words, to `problem`.
bool read_pvh_start_info(std::uintptr_t address, std::uintptr_t image_begin,
                         std::uintptr_t image_end, std::size_t max_cmdline, PvhBoot& boot,
                         char* problem, std::size_t problem_size);

}  // namespace altpv::guest
