// SPDX-License-Identifier: MIT
#include "pvh_start_info.h"

#include "altpv/engine/text_buffer.h"

namespace altpv::guest {
namespace {

bool mapped(std::uint64_t address, std::uint64_t size) {
  return address < kPvhMapped && size <= kPvhMapped - address;
}

}  // namespace

bool read_pvh_start_info(std::uintptr_t address, std::uintptr_t image_begin,
                         std::uintptr_t image_end, std::size_t max_cmdline, PvhBoot& boot,
                         char* problem, std::size_t problem_size) {
  TextBuffer why(problem, problem_size);
  why.str("PVH start_info: ");
  if (address == 0) {
    why.str("missing (the loader passed ebx = 0)");
    return false;
  }
  if (address % 8 != 0 || !mapped(address, sizeof(PvhStartInfo))) {
    why.str("at 0x").hex(address).str(", not 8-aligned below 4 GiB");
    return false;
  }
  const auto& info = *reinterpret_cast<const PvhStartInfo*>(address);
  if (info.magic != kPvhStartInfoMagic) {
    why.str("bad magic 0x").hex(info.magic).str(" at 0x").hex(address).str(" (want 0x");
    why.hex(kPvhStartInfoMagic).str(")");
    return false;
  }
  if (info.version < 1) {
    why.str("version ").dec(info.version).str(" has no memory map (need 1 or later)");
    return false;
  }
  if (info.memmap_entries == 0 || info.memmap_entries > kPvhMaxMemmapEntries) {
    why.str("memory map of ").dec(info.memmap_entries).str(" entries (want 1..");
    why.dec(kPvhMaxMemmapEntries).str(")");
    return false;
  }
  if (!mapped(info.memmap_paddr, std::uint64_t{info.memmap_entries} * sizeof(PvhMemmapEntry))) {
    why.str("memory map at 0x").hex(info.memmap_paddr).str(" is not below 4 GiB");
    return false;
  }
  PvhBoot out;
  out.version = info.version;
  out.memmap_entries = info.memmap_entries;
  const auto* map = reinterpret_cast<const PvhMemmapEntry*>(info.memmap_paddr);
  for (std::uint32_t i = 0; i < info.memmap_entries; ++i) {
    const PvhMemmapEntry& e = map[i];
    if (e.type != kPvhMemmapRam) continue;
    ++out.ram_ranges;
    out.ram_bytes += e.size;
    if (e.addr <= image_begin && image_end <= e.addr + e.size)
      out.image_range_end = e.addr + e.size;
  }
  if (out.image_range_end == 0) {
    why.str("no RAM range in the memory map holds the image [0x").hex(image_begin).str(", 0x");
    why.hex(image_end).str(")");
    return false;
  }
  if (info.cmdline_paddr != 0) {
    if (!mapped(info.cmdline_paddr, max_cmdline)) {
      why.str("command line at 0x").hex(info.cmdline_paddr).str(" is not below 4 GiB");
      return false;
    }
    const auto* text = reinterpret_cast<const char*>(info.cmdline_paddr);
    std::size_t len = 0;
    while (len < max_cmdline && text[len] != '\0') ++len;
    if (len == max_cmdline) {
      why.str("command line at 0x").hex(info.cmdline_paddr).str(" has no NUL in ");
      why.dec(max_cmdline).str(" bytes");
      return false;
    }
    out.cmdline = {text, len};
  }
  boot = out;
  return true;
}

}  // namespace altpv::guest
