// SPDX-License-Identifier: MIT
// Where the VMM puts its boot structures in guest RAM. Everything lives below
// kReservedEnd (1 MiB); the guest ELF must not load anything there.
#pragma once

#include <cstdint>

namespace altpv::vmm::layout {

inline constexpr std::uint64_t kGdt = 0x1000;       // 3 descriptors: null, code64, data
inline constexpr std::uint64_t kBootInfo = 0x2000;  // testbed::BootInfo
inline constexpr std::uint64_t kCmdline = 0x3000;   // NUL-terminated, <= kMaxCmdline
inline constexpr std::uint64_t kPml4 = 0x10000;
inline constexpr std::uint64_t kPdpt = 0x11000;
inline constexpr std::uint64_t kPageDirs = 0x12000;  // one 4 KiB PD per GiB of RAM
inline constexpr std::uint64_t kMaxPageDirs = 4;     // so RAM is at most 4 GiB
inline constexpr std::uint64_t kBspStackBottom = 0x20000;
inline constexpr std::uint64_t kBspStackTop = 0x80000;   // initial rsp of the BSP
inline constexpr std::uint64_t kReservedEnd = 0x100000;  // the guest kernel links here

inline constexpr std::uint16_t kCodeSelector = 8;
inline constexpr std::uint16_t kDataSelector = 16;

inline constexpr std::uint64_t kMinMemMiB = 2;
inline constexpr std::uint64_t kMaxMemMiB = 3072;  // below the VMX TSS pages near 4 GiB

}  // namespace altpv::vmm::layout
