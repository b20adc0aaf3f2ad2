// SPDX-License-Identifier: MIT
// Application processors. The BSP starts each with the StartVcpu hypercall;
// the AP enters ap_entry (entry.S) on its own stack, loads the guest's GDT,
// its %gs area (vcpu_area.h) and the IDT, starts its events as the BSP did,
// runs one function and halts, which parks it in the VMM.
#pragma once

#include <cstdint>

#include "abi/abi.h"

namespace altpv::guest {

// vCPUs the guest has stacks for.
using altpv::testbed::kMaxVcpus;

using ApFunction = void (*)(std::uint64_t arg);

// Starts vCPU `index` (1 .. kMaxVcpus-1) running fn(arg). The VMM's status:
// BadState if it was started before (a vCPU starts once per boot),
// BadArgument if there is no such vCPU.
altpv::testbed::HypercallError start_ap(std::uint32_t index, ApFunction fn, std::uint64_t arg);

}  // namespace altpv::guest
