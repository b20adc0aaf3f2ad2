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

// %gs offsets of VcpuArea's fields, for the asm that reaches them: the
// timer stub (vcpu_area.cpp) and the PV lazy-MMU stubs (pv_privileged.cpp).
#define GUEST_VCPU_AREA_TICKS 16
#define GUEST_VCPU_AREA_SELF 24
#define GUEST_VCPU_AREA_LAZY_MMU_ACTIVE 32
#define GUEST_VCPU_AREA_LAZY_MMU_COUNT 36
#define GUEST_VCPU_AREA_LAZY_MMU_BATCH 40
// Entries the lazy-MMU queue holds; the stubs send a full one.
#define GUEST_VCPU_AREA_LAZY_MMU_ENTRIES 16
#define GUEST_STRINGIFY_(x) #x
#define GUEST_STRINGIFY(x) GUEST_STRINGIFY_(x)
// A field as a %gs-relative operand in asm text: GUEST_VCPU_AREA_GS(TICKS)
// is "%gs:16".
#define GUEST_VCPU_AREA_GS(field) "%gs:" GUEST_STRINGIFY(GUEST_VCPU_AREA_##field)

namespace altpv::guest {

// Per vCPU, as a kernel keeps its lazy-MMU state per CPU (Linux's per-CPU
// lazy MMU mode, Xen's per-CPU multicall batch): each vCPU in lazy mode
// queues and sends its own page-table updates.
struct VcpuArea {
  altpv::testbed::VcpuInfo info;  // %gs:0, registered with RegisterVcpuInfo
  std::uint64_t ticks;            // timer interrupts this vCPU has handled
  // This area's own address (Linux's this_cpu_off): what a %gs offset
  // cannot give, a pointer to pass on, such as the batch's for MmuUpdate
  // (identity mapped: guest-physical = virtual).
  std::uintptr_t self;
  std::uint8_t lazy_mmu_active;  // in lazy-MMU mode: the PV set_pte queues
  std::uint32_t lazy_mmu_count;  // entries queued, not yet sent
  altpv::testbed::MmuUpdateEntry lazy_mmu_batch[GUEST_VCPU_AREA_LAZY_MMU_ENTRIES];
};
static_assert(offsetof(VcpuArea, info) == 0);
static_assert(offsetof(VcpuArea, ticks) == GUEST_VCPU_AREA_TICKS);
static_assert(offsetof(VcpuArea, self) == GUEST_VCPU_AREA_SELF);
static_assert(offsetof(VcpuArea, lazy_mmu_active) == GUEST_VCPU_AREA_LAZY_MMU_ACTIVE);
static_assert(offsetof(VcpuArea, lazy_mmu_count) == GUEST_VCPU_AREA_LAZY_MMU_COUNT);
static_assert(offsetof(VcpuArea, lazy_mmu_batch) == GUEST_VCPU_AREA_LAZY_MMU_BATCH);

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

// The area of the vCPU that runs this, through %gs.
VcpuArea& this_vcpu_area();

// Timer interrupts vCPU `cpu` has handled since boot.
std::uint64_t ticks(std::uint32_t cpu);

}  // namespace altpv::guest
