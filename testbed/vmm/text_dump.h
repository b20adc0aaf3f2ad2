// SPDX-License-Identifier: MIT
// --dump-text: a copy of the guest ELF whose executable PT_LOAD file bytes
// are replaced by guest memory as it is now, so `objdump -d` shows the code
// as patched at boot, with the original symbols.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "elf_image.h"
#include "guest_memory.h"

namespace altpv::vmm {

std::vector<std::uint8_t> patched_text_image(std::span<const std::uint8_t> file,
                                             const ElfImage& image, const GuestMemory& memory);

}  // namespace altpv::vmm
