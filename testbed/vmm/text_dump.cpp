// SPDX-License-Identifier: MIT
#include "text_dump.h"

#include <algorithm>

namespace altpv::vmm {

std::vector<std::uint8_t> patched_text_image(std::span<const std::uint8_t> file,
                                             const ElfImage& image, const GuestMemory& memory) {
  std::vector<std::uint8_t> out(file.begin(), file.end());
  for (const LoadSegment& s : image.segments) {
    if (!s.executable) continue;
    // ParseElf proved both ranges in bounds.
    auto now = memory.bytes(s.gpa, s.file_size);
    std::copy(now->begin(), now->end(), out.begin() + static_cast<std::ptrdiff_t>(s.file_offset));
  }
  return out;
}

}  // namespace altpv::vmm
