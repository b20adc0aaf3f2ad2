// SPDX-License-Identifier: MIT
// The per-vCPU area at the base of the %gs segment. It starts with the
// vCPU's VcpuInfo (testbed/abi/abi.h), so PV inline forms reach the event
// mask, the pending flag and the fault address with a %gs-relative operand
// and no register; after it, the guest's own per-vCPU state. IA32_GS_BASE
// points here on every vCPU from its first C++ instruction on.
#pragma once

#include <cstddef>
#include <cstdint>

#include "abi/abi.h"

// %gs offset of VcpuArea::ticks, for the timer stub (vcpu_area.cpp).
#define GUEST_VCPU_AREA_TICKS 16

namespace altpv::guest {

struct VcpuArea {
  altpv::testbed::VcpuInfo info;  // %gs:0, registered with RegisterVcpuInfo
  std::uint64_t ticks;            // timer interrupts this vCPU has handled
};
static_assert(offsetof(VcpuArea, info) == 0);
static_assert(offsetof(VcpuArea, ticks) == GUEST_VCPU_AREA_TICKS);

// Points IA32_GS_BASE at vCPU `index`'s area. Called first on every vCPU
// (kernel_main, ap_main), before anything that may fault: the #PF entry
// writes VcpuInfo::cr2 through %gs.
void vcpu_area_enter(std::uint32_t index);

// Registers vCPU `index`'s VcpuInfo with the VMM (RegisterVcpuInfo). With
// `pv` (the BSP passes its feature set's answer, APs pass pv_events()) events
// start masked, as the real IF starts clear, and the real IF is then set for
// good: from here on the mask is the guest's interrupt flag. Without it the
// real IF stays the interrupt flag, and stays clear.
void vcpu_events_start(std::uint32_t index, bool pv);

// Whether the BSP started events as PV.
bool pv_events();

// The area of vCPU `cpu` (any vCPU may read another's).
VcpuArea& vcpu_area(std::uint32_t cpu);

// Timer interrupts vCPU `cpu` has handled since boot.
std::uint64_t ticks(std::uint32_t cpu);

}  // namespace altpv::guest
