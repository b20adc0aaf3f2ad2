// SPDX-License-Identifier: MIT
// Whether the testbed hypervisor announces its paravirtual interface.
#pragma once

#include "altpv/features.h"

namespace altpv::guest {

// True if CPUID 0x40000000 carries the testbed signature (altpv-vmm --hv pv).
// `cpu` is the CPUID feature set: the leaf is only defined under a hypervisor.
bool testbed_pv_present(altpv::FeatureSet cpu);

}  // namespace altpv::guest
