// SPDX-License-Identifier: MIT
// A non-MSR native-ABI op, to show the stub layer is generic: CPUID.
// Natively the site is the CPUID instruction. Under PV it calls a stub whose
// handler answers from the VMM's CPU model (the mirror leaves, cpu_model.h)
// for leaves 1 and 7, where some KVMs (kvm_pvm) answer from the host,
// and runs CPUID for every other leaf. The site's ABI is CPUID's: eax and
// ecx in; eax, ebx, ecx, edx out; everything else preserved.
#pragma once

#include <cstdint>

#include "altpv/features.h"
#include "altpv/op_ids.h"
#include "altpv/site.h"

#define GUEST_OP_CPUID (ALTPV_OP_USER_BASE + 0)

// The whole declaration of the op's site.
#define GUEST_CPUID_SITE \
  ALTPV_SITE_BEGIN ALTPV_ALT_CALL(ALTPV_FEATURE_PV) ALTPV_SITE_END(GUEST_OP_CPUID, "cpuid")

namespace altpv::guest {

inline altpv::CpuidResult site_cpuid(std::uint32_t leaf, std::uint32_t subleaf) {
  altpv::CpuidResult r;
  asm volatile(GUEST_CPUID_SITE
               : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
               : "a"(leaf), "c"(subleaf));
  return r;
}

// The stub the PV backend patches CPUID sites to.
extern "C" const char guest_pv_stub_cpuid[];

}  // namespace altpv::guest
