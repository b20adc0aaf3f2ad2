// SPDX-License-Identifier: MIT
// How the testbed presents itself to the guest (--hv).
#pragma once

namespace altpv::vmm {

enum class Personality {
  None,  // bare metal look-alike: no hypervisor bit, no 0x4000_0000 leaves
  Hvm,   // hypervisor bit set, no paravirtual interface; MSRs reached by trapping
  Pv,    // hypervisor bit plus the testbed PV leaves and the MSR hypercalls
};

}  // namespace altpv::vmm
