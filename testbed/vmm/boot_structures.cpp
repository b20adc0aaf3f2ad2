// SPDX-License-Identifier: MIT
#include "boot_structures.h"

#include <array>
#include <stdexcept>

#include "abi/abi.h"
#include "boot_layout.h"

namespace altpv::vmm {
namespace {

namespace tb = altpv::testbed;

constexpr std::uint64_t kPresent = 1ULL << 0;
constexpr std::uint64_t kWritable = 1ULL << 1;
constexpr std::uint64_t kHuge = 1ULL << 7;  // PS: a 2 MiB page in a PD entry
constexpr std::uint64_t k2MiB = 2ULL << 20;

constexpr std::uint64_t kCr0PE = 1ULL << 0, kCr0MP = 1ULL << 1, kCr0ET = 1ULL << 4,
                        kCr0NE = 1ULL << 5, kCr0WP = 1ULL << 16, kCr0AM = 1ULL << 18,
                        kCr0PG = 1ULL << 31;
constexpr std::uint64_t kCr4PAE = 1ULL << 5, kCr4OSFXSR = 1ULL << 9, kCr4OSXMMEXCPT = 1ULL << 10;
constexpr std::uint64_t kEferLME = 1ULL << 8, kEferLMA = 1ULL << 10;

// A flat descriptor: base 0, limit 4 GiB (G=1), present, DPL 0, S=1.
constexpr std::uint64_t descriptor(std::uint64_t type, bool long_mode) {
  std::uint64_t d = 0xffff;              // limit 15:0
  d |= type << 40;                       // type
  d |= 1ULL << 44;                       // S: code/data
  d |= 1ULL << 47;                       // P
  d |= 0xfULL << 48;                     // limit 19:16
  d |= (long_mode ? 1ULL : 0) << 53;     // L
  d |= (long_mode ? 0ULL : 1ULL) << 54;  // D/B (must be 0 when L=1)
  d |= 1ULL << 55;                       // G
  return d;
}

constexpr std::uint64_t kCodeType = 11;  // execute/read, accessed
constexpr std::uint64_t kDataType = 3;   // read/write, accessed

kvm_segment segment(std::uint16_t selector, std::uint8_t type, bool code) {
  kvm_segment s{};
  s.base = 0;
  s.limit = 0xffffffff;
  s.selector = selector;
  s.type = type;
  s.present = 1;
  s.dpl = 0;
  s.db = code ? 0 : 1;
  s.s = 1;
  s.l = code ? 1 : 0;
  s.g = 1;
  return s;
}

}  // namespace

void write_boot_structures(GuestMemory& memory, std::uint32_t vcpu_count, std::string_view cmdline,
                           std::uint32_t tick_us) {
  // Identity map all of RAM with 2 MiB pages: PML4[0] -> PDPT -> one PD per GiB.
  std::uint64_t pages = (memory.size() + k2MiB - 1) / k2MiB;
  std::uint64_t dirs = (pages + 511) / 512;
  if (dirs > layout::kMaxPageDirs) throw std::logic_error("guest RAM too large to map");
  memory.write_object(layout::kPml4, layout::kPdpt | kPresent | kWritable);
  for (std::uint64_t d = 0; d < dirs; ++d) {
    memory.write_object(layout::kPdpt + d * 8,
                        (layout::kPageDirs + d * 4096) | kPresent | kWritable);
  }
  for (std::uint64_t p = 0; p < pages; ++p) {
    memory.write_object(layout::kPageDirs + p * 8, (p * k2MiB) | kPresent | kWritable | kHuge);
  }

  // The CS/SS loads of an iretq read these, so they must be real memory.
  const std::array<std::uint64_t, 3> gdt = {0, descriptor(kCodeType, true),
                                            descriptor(kDataType, false)};
  memory.write_object(layout::kGdt, gdt);

  std::array<char, tb::kMaxCmdline> line{};
  cmdline.copy(line.data(), line.size() - 1);
  memory.write_object(layout::kCmdline, line);

  tb::BootInfo info{};
  info.magic = tb::kBootMagic;
  info.version = tb::kBootVersion;
  info.vcpu_count = vcpu_count;
  info.mem_size = memory.size();
  info.cmdline_gpa = layout::kCmdline;
  info.cmdline_len = static_cast<std::uint32_t>(cmdline.size());
  info.tick_us = tick_us;
  memory.write_object(layout::kBootInfo, info);
}

void apply_long_mode_sregs(kvm_sregs& sregs) {
  sregs.cs = segment(layout::kCodeSelector, kCodeType, true);
  kvm_segment data = segment(layout::kDataSelector, kDataType, false);
  sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = data;
  sregs.gdt.base = layout::kGdt;
  sregs.gdt.limit = 3 * 8 - 1;
  sregs.cr3 = layout::kPml4;
  sregs.cr4 = kCr4PAE | kCr4OSFXSR | kCr4OSXMMEXCPT;
  sregs.cr0 = kCr0PE | kCr0MP | kCr0ET | kCr0NE | kCr0WP | kCr0AM | kCr0PG;  // 0x80050033
  sregs.efer = kEferLME | kEferLMA;
}

}  // namespace altpv::vmm
