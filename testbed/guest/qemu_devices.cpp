// SPDX-License-Identifier: MIT
#include "qemu_devices.h"

namespace altpv::guest {
namespace {

constexpr std::uint16_t kLineStatus = kCom1Port + 5;
constexpr std::uint8_t kTransmitterEmpty = 0x20;  // LSR.THRE

std::uint8_t inb(std::uint16_t port) {
  std::uint8_t v;
  asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
  return v;
}

}  // namespace

void com1_write(std::string_view text) {
  // No UART set-up: QEMU's UART ignores the baud rate and line settings.
  // Waiting for THRE keeps a byte from overwriting one the backend has not
  // taken yet.
  for (const char c : text) {
    while ((inb(kLineStatus) & kTransmitterEmpty) == 0) asm volatile("pause");
    asm volatile("outb %0, %1" : : "a"(c), "Nd"(kCom1Port));
  }
}

void debug_exit(std::uint32_t value) {
  asm volatile("outl %0, %1" : : "a"(value), "Nd"(kDebugExitPort));
}

}  // namespace altpv::guest
