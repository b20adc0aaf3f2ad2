// SPDX-License-Identifier: MIT
// Relocation: copying code assembled at one address so that it runs at
// another, as Linux's apply_relocation() (arch/x86/kernel/alternative.c) does
// for alternatives. The engine copies replacements, call setup bytes and the
// copy of the original out of altpv_repl into sites through it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "altpv/engine/planner.h"

namespace altpv {

struct RelocationResult {
  Refusal refusal = Refusal::None;
  std::size_t offset = 0;  // of the instruction that was refused, from the first byte
};

// Copies the `len` bytes of code at `src` to `out` (len bytes) so that they
// run at `dst`:
//   - a relative branch (call, jmp, jcc, loop, jrcxz, xbegin; rel8 or rel32)
//     or RIP-relative operand whose target lies outside [src, src + len]
//     gets a displacement that reaches the same absolute target from `dst`;
//   - one whose target lies inside, or just past the end (where the site
//     goes on), moves with the bytes and is copied unchanged.
// Refusal::Undecodable when the bytes do not decode into whole instructions;
// Refusal::RelocOutOfRange when a new displacement does not fit its
// field (a rel8 is never widened). On a refusal `out` must not be used.
RelocationResult relocate_code(const std::uint8_t* src, std::size_t len, std::uintptr_t dst,
                               std::uint8_t* out);

}  // namespace altpv
