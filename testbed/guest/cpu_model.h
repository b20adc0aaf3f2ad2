// SPDX-License-Identifier: MIT
// The CPU the VMM's model describes. Some KVMs (kvm_pvm) answer CPUID
// leaves 1 and 7 from the host and ignore the VMM's table, so the VMM also
// publishes its model in the mirror leaves of testbed/abi/abi.h; the guest reads
// leaves 1 and 7 from there when the mirror is present.
#pragma once

#include <cstdint>

#include "altpv/features.h"

namespace altpv::guest {

// CPUID as the model answers it: leaves 1 and 7 (subleaves 0, 1) from the
// mirror when present, every other leaf from the instruction.
altpv::CpuidResult model_cpuid(std::uint32_t leaf, std::uint32_t subleaf);

altpv::FeatureSet detect_model_features();

}  // namespace altpv::guest
