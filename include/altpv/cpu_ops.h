// SPDX-License-Identifier: MIT
// Two user-space-safe ops built on patch sites, each with an honest fallback.
// The asm of each site declares the union of what every alternative writes.
// always_inline: GCC sizes an asm statement by its lines, counts the site
// directives as many instructions, and would otherwise call an out-of-line
// copy, so the "inline" site would cost a call after all.
#pragma once

#include <cstdint>

#include "altpv/op_ids.h"
#include "altpv/site.h"

namespace altpv {

// Serialises instruction execution: SERIALIZE where the CPU has it, else
// CPUID (leaf 0), which serialises everywhere but exits to the hypervisor
// in a guest. CPUID writes eax, ebx, ecx, edx, so the site clobbers them all.
[[gnu::always_inline]] inline void serialize() {
  asm volatile(ALTPV_SITE_BEGIN ALTPV_ALT(ALTPV_FEATURE_SERIALIZE, ".byte 0x0f, 0x01, 0xe8")
                   ALTPV_SITE_END(ALTPV_OP_NONE, "xor %%eax, %%eax; cpuid")
               :
               :
               : "rax", "rbx", "rcx", "rdx", "cc", "memory");
}

// The number of the CPU this thread runs on, as the kernel published it in
// IA32_TSC_AUX (Linux: node << 12 | cpu). RDPID reads it directly; RDTSCP
// also reads the TSC into edx:eax; the original, LSL on the per-CPU GDT
// entry Linux provides (selector 0x7b), needs neither. All leave it in ecx.
[[gnu::always_inline]] inline unsigned cpu_number() {
  std::uint32_t aux;
  asm volatile(ALTPV_SITE_BEGIN ALTPV_ALT(ALTPV_FEATURE_RDPID, "rdpid %%rcx")
                   ALTPV_ALT(ALTPV_FEATURE_RDTSCP, "rdtscp")
                       ALTPV_SITE_END(ALTPV_OP_NONE, "mov $0x7b, %%ecx; lsl %%ecx, %%ecx")
               : "=c"(aux)
               :
               : "rax", "rdx", "cc");
  return aux & 0xfff;
}

}  // namespace altpv
