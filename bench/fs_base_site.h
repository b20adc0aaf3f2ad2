// SPDX-License-Identifier: MIT
// The second op as an altpv site declared outside the library, as any user
// would declare one: RDFSBASE where the kernel allows it (CPUID alone is not
// enough, see docs/bench.md), else a load of the TCB self-pointer at %fs:0,
// which the x86-64 TLS ABI guarantees equals the FS base.
#pragma once

#include <cstdint>

#include "altpv/op_ids.h"
#include "altpv/site.h"

namespace altpv::bench {

// always_inline: see altpv/cpu_ops.h.
[[gnu::always_inline]] inline std::uint64_t fs_base_site() {
  std::uint64_t base;
  asm volatile(ALTPV_SITE_BEGIN ALTPV_ALT(ALTPV_FEATURE_FSGSBASE, "rdfsbase %%rax")
                   ALTPV_SITE_END(ALTPV_OP_NONE, "mov %%fs:0, %%rax")
               : "=a"(base));
  return base;
}

}  // namespace altpv::bench
