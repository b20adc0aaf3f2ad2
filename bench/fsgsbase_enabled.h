// SPDX-License-Identifier: MIT
// Whether this process may execute RDFSBASE. CPUID only says the CPU has
// it; the kernel must also set CR4.FSGSBASE (Linux 5.9 and later), which it
// announces in AT_HWCAP2. Without it RDFSBASE raises #UD.
#pragma once

#include <asm/hwcap2.h>
#include <sys/auxv.h>

namespace altpv::bench {

inline bool fsgsbase_enabled() {
  return (getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE) != 0;
}

}  // namespace altpv::bench
