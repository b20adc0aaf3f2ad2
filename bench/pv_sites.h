// SPDX-License-Identifier: MIT
// The pv call sites of the altpv_*stub strategies: each holds the native
// instruction as its original and a call alternative under PV, and keeps
// that instruction's register ABI. `Op` (native_stub.h) picks the stub.
#pragma once

#include <cstdint>

#include "altpv/site.h"
#include "op_bodies.h"

namespace altpv::bench {

// clang-format off
// The site's ABI is RDPID's: the result in rcx, nothing else written.
// always_inline: see altpv/cpu_ops.h. `Op` picks the stub flavour.
template <std::uint16_t Op>
[[gnu::always_inline]] inline std::uint64_t cpu_number() {
  std::uint64_t aux;
  asm volatile(ALTPV_SITE_BEGIN ALTPV_ALT_CALL(ALTPV_FEATURE_PV)
                   ALTPV_SITE_END(%c[op], "rdpid %%rcx")
               : "=c"(aux)
               : [op] "i"(Op));
  return aux & kCpuNumberMask;
}

// RDFSBASE's ABI, with the destination register fixed to rax.
template <std::uint16_t Op>
[[gnu::always_inline]] inline std::uint64_t fs_base() {
  std::uint64_t base;
  asm volatile(ALTPV_SITE_BEGIN ALTPV_ALT_CALL(ALTPV_FEATURE_PV)
                   ALTPV_SITE_END(%c[op], "rdfsbase %%rax")
               : "=a"(base)
               : [op] "i"(Op));
  return base;
}

// clang-format on

}  // namespace altpv::bench
