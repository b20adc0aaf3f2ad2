// SPDX-License-Identifier: MIT
// Filling the unused tail of a site.
#pragma once

#include <cstddef>
#include <cstdint>

namespace altpv {

// Longest single NOP the engine emits. 1-9 bytes are the Intel SDM's
// recommended forms; 10 and 11 add 66 prefixes, as Linux does.
inline constexpr std::size_t kMaxSingleNop = 11;

// Fills [dst, dst+len) so that execution falls through to dst+len: one
// recommended NOP up to kMaxSingleNop bytes, otherwise a short JMP over INT3s
// (cheaper than executing a run of NOPs, and INT3 stops straight-line
// speculation). len may be 0..129.
void fill_nops(std::uint8_t* dst, std::size_t len);

}  // namespace altpv
