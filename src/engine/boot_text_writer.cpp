// SPDX-License-Identifier: MIT
#include <cstring>

#include "altpv/engine/text_writer.h"

namespace altpv {

bool BootTextWriter::write(std::uintptr_t address, const std::uint8_t* bytes, std::size_t len) {
  std::memcpy(reinterpret_cast<void*>(address), bytes, len);
  return true;
}

// With one CPU running, a serialising instruction after the stores is all
// that self-modifying code needs (SDM vol. 3A, 9.1.3). CPUID serialises on
// every x86-64 CPU.
void BootTextWriter::sync() {
  std::uint32_t a = 0, b, c = 0, d;
  asm volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d) : : "memory");
}

}  // namespace altpv
