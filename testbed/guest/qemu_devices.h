// SPDX-License-Identifier: MIT
// The two QEMU devices a PVH boot of the guest uses: COM1 (the 16550 UART
// at 0x3f8, which QEMU connects to -serial) for the console, and
// isa-debug-exit (-device isa-debug-exit,iobase=0xf4,iosize=4), whose port
// ends QEMU with exit status (value << 1) | 1.
#pragma once

#include <cstdint>
#include <string_view>

namespace altpv::guest {

inline constexpr std::uint16_t kCom1Port = 0x3f8;
inline constexpr std::uint16_t kDebugExitPort = 0xf4;

void com1_write(std::string_view text);

// Returns only when QEMU has no isa-debug-exit device at kDebugExitPort.
void debug_exit(std::uint32_t value);

}  // namespace altpv::guest
