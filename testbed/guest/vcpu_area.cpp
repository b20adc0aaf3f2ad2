// SPDX-License-Identifier: MIT
#include "vcpu_area.h"

#include "hypercall.h"
#include "panic.h"
#include "platform.h"

// The timer's interrupt gate (idt.cpp): count the tick on this vCPU and
// return. It touches no register, so it needs no frame; a locked increment
// is not needed, since only this vCPU's interrupts write its count.
asm(R"(
        .pushsection .text.timer_entry, "ax"
        .globl timer_entry
        .type timer_entry, @function
timer_entry:
        incq )" GUEST_VCPU_AREA_GS(TICKS) R"(
        iretq
        .size timer_entry, . - timer_entry
        .popsection
)");

namespace altpv::guest {
namespace {

using altpv::testbed::Hypercall;

constexpr std::uint32_t kIa32GsBase = 0xc0000101;

alignas(64) constinit VcpuArea areas[altpv::testbed::kMaxVcpus] = {};
constinit bool events_are_pv = false;

}  // namespace

// Not an MSR site: the VMM leaves IA32_GS_BASE to KVM under every
// personality, and this runs before boot patching.
void vcpu_area_enter(std::uint32_t index) {
  const auto base = reinterpret_cast<std::uintptr_t>(&areas[index]);
  areas[index].self = base;
  asm volatile("wrmsr"
               :
               : "c"(kIa32GsBase), "a"(static_cast<std::uint32_t>(base)),
                 "d"(static_cast<std::uint32_t>(base >> 32))
               : "memory");
}

void vcpu_events_start(std::uint32_t index, bool pv) {
  if (index == 0) events_are_pv = pv;
  // A PVH boot has no VMM to tell, and no events: its cases that need them
  // require the testbed.
  if (platform() != Platform::Testbed) return;
  if (!hypercall(Hypercall::RegisterVcpuInfo, reinterpret_cast<std::uintptr_t>(&areas[index].info))
           .ok()) {
    panic("RegisterVcpuInfo refused the vCPU's area");
  }
  if (pv) {
    asm volatile("movb $1, %%gs:%c0" : : "i"(altpv::testbed::kVcpuEventMask) : "memory");
    asm volatile("sti" : : : "memory");
  }
}

bool pv_events() {
  return events_are_pv;
}

VcpuArea& vcpu_area(std::uint32_t cpu) {
  return areas[cpu];
}

VcpuArea& this_vcpu_area() {
  std::uintptr_t self;
  asm volatile("mov %%gs:%c1, %0" : "=r"(self) : "i"(GUEST_VCPU_AREA_SELF));
  return *reinterpret_cast<VcpuArea*>(self);
}

std::uint64_t ticks(std::uint32_t cpu) {
  return __atomic_load_n(&areas[cpu].ticks, __ATOMIC_RELAXED);
}

}  // namespace altpv::guest
