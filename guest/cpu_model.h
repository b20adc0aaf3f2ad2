// The CPU the VMM's model describes. Some KVMs (this machine's) answer CPUID
// leaves 1 and 7 from the host and ignore the VMM's table, so the VMM also
// publishes its model in the mirror leaves of testbed/abi.h; the guest reads
// leaves 1 and 7 from there when the mirror is present.
#pragma once

#include "altpv/features.h"

namespace guest {

altpv::FeatureSet detect_model_features();

}  // namespace guest
