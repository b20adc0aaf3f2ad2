// SPDX-License-Identifier: MIT
// figures.privileged: what each privileged-instruction op costs in this
// boot's configuration, counted as figures.msr counts (figure_counting.h).
// Two strategies per op:
//   altpv           the op's site (altpv/privileged.h), patched at boot: the
//                   instruction natively, the PV backend's inline form or
//                   stub under pv (pv_privileged.h);
//   pvops_indirect  Linux's shape: `call *pv_ops.irq.<op>` into a
//                   PV_CALLEE_SAVE thunk (it saves the caller-saved registers
//                   around a C function) for the ops Linux declares
//                   callee-save (irq_disable, irq_enable, save_fl,
//                   restore_fl, read_cr2), a plain C-ABI call through
//                   pv_ops.mmu for the others. The functions behind the
//                   pointers are the native instruction under hvm (for the
//                   lazy-MMU ops an empty function: paravirt_nop) and the
//                   same interface as altpv's PV forms under pv.
// irq_enable is measured with nothing pending, restore_fl restoring the
// state at boot (disabled). safe_halt and halt are not
// measured: they wait for an interrupt, and this run has no timer.
#include <string_view>

#include "abi/abi.h"
#include "altpv/privileged.h"
#include "boot_patching.h"
#include "console.h"
#include "expect.h"
#include "figure_counting.h"
#include "hypercall.h"
#include "test_registry.h"

namespace {

using altpv::testbed::Hypercall;
using altpv::testbed::MmuUpdateEntry;

// ---- Linux's functions behind pv_ops -----------------------------------------

std::uint8_t vcpu_byte(std::uint32_t offset) {
  std::uint8_t v;
  asm volatile("movb %%gs:(%1), %0" : "=q"(v) : "r"(std::uint64_t{offset}) : "memory");
  return v;
}

void set_vcpu_mask(std::uint8_t v) {
  asm volatile("movb %0, %%gs:%c1" : : "q"(v), "i"(altpv::testbed::kVcpuEventMask) : "memory");
}

struct LazyQueue {
  bool active;
  std::uint32_t count;
  MmuUpdateEntry entries[16];
};
constinit LazyQueue lazy = {};

void send_queue() {
  if (lazy.count == 0) return;
  altpv::guest::hypercall(Hypercall::MmuUpdate, reinterpret_cast<std::uintptr_t>(lazy.entries),
                          lazy.count);
  lazy.count = 0;
}

}  // namespace

extern "C" {
// Native.
[[gnu::noinline]] void native_irq_disable() {
  asm volatile("cli" : : : "memory");
}
[[gnu::noinline]] void native_irq_enable() {
  asm volatile("sti" : : : "memory");
}
[[gnu::noinline]] std::uint64_t native_save_fl() {
  std::uint64_t f;
  asm volatile("pushf; pop %0" : "=r"(f) : : "memory");
  return f;
}
[[gnu::noinline]] void native_restore_fl(std::uint64_t f) {
  asm volatile("push %0; popf" : : "g"(f) : "memory", "cc");
}
[[gnu::noinline]] std::uint64_t native_read_cr2() {
  std::uint64_t v;
  asm volatile("mov %%cr2, %0" : "=r"(v));
  return v;
}
[[gnu::noinline]] std::uint64_t native_read_cr3() {
  std::uint64_t v;
  asm volatile("mov %%cr3, %0" : "=r"(v));
  return v;
}
[[gnu::noinline]] void native_write_cr3(std::uint64_t v) {
  asm volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}
[[gnu::noinline]] void native_flush_tlb_one(std::uint64_t a) {
  asm volatile("invlpg (%0)" : : "r"(a) : "memory");
}
[[gnu::noinline]] void native_wbinvd() {
  asm volatile("wbinvd" : : : "memory");
}
[[gnu::noinline]] void paravirt_nop() {
  asm volatile("");
}
[[gnu::noinline]] void native_set_pte(std::uint64_t* p, std::uint64_t v) {
  *reinterpret_cast<volatile std::uint64_t*>(p) = v;
}

// Under pv: Xen's shapes on the testbed's VcpuInfo and hypercalls.
[[gnu::noinline]] void pv_irq_disable() {
  set_vcpu_mask(1);
}
[[gnu::noinline]] void pv_irq_enable() {
  set_vcpu_mask(0);
  if (vcpu_byte(altpv::testbed::kVcpuEventPending) != 0) {
    altpv::guest::hypercall(Hypercall::EventCheck);
  }
}
[[gnu::noinline]] std::uint64_t pv_save_fl() {
  return vcpu_byte(altpv::testbed::kVcpuEventMask) != 0 ? 0 : altpv::kFlagsIf;
}
[[gnu::noinline]] void pv_restore_fl(std::uint64_t f) {
  if ((f & altpv::kFlagsIf) != 0) {
    pv_irq_enable();
  } else {
    pv_irq_disable();
  }
}
[[gnu::noinline]] std::uint64_t pv_read_cr2() {
  std::uint64_t v;
  asm volatile("mov %%gs:%c1, %0" : "=r"(v) : "i"(altpv::testbed::kVcpuCr2));
  return v;
}
[[gnu::noinline]] void pv_write_cr3(std::uint64_t v) {
  altpv::guest::hypercall(Hypercall::LoadCr3, v);
}
[[gnu::noinline]] void pv_flush_tlb_one(std::uint64_t a) {
  altpv::guest::hypercall(Hypercall::FlushTlbOne, a);
}
[[gnu::noinline]] void pv_wbinvd() {
  altpv::guest::hypercall(Hypercall::Wbinvd);
}
[[gnu::noinline]] void pv_lazy_mmu_enter() {
  lazy.active = true;
}
[[gnu::noinline]] void pv_lazy_mmu_leave() {
  lazy.active = false;
  send_queue();
}
[[gnu::noinline]] void pv_set_pte(std::uint64_t* p, std::uint64_t v) {
  if (lazy.active) {
    if (lazy.count == 16) send_queue();
    lazy.entries[lazy.count++] = {reinterpret_cast<std::uintptr_t>(p), v};
    return;
  }
  MmuUpdateEntry e{reinterpret_cast<std::uintptr_t>(p), v};
  altpv::guest::hypercall(Hypercall::MmuUpdate, reinterpret_cast<std::uintptr_t>(&e), 1);
}
}

// PV_CALLEE_SAVE_REGS_THUNK (Linux arch/x86/include/asm/paravirt.h): the
// caller-saved registers but rax around the C function.
// clang-format off
#define GUEST_CALLEE_SAVE_THUNK(fn)                                                         \
  asm(".pushsection .text\n .balign 16\n .globl callee_save_" #fn "\n"                     \
      " .type callee_save_" #fn ", @function\ncallee_save_" #fn ":\n"                       \
      " push %rcx\n push %rdx\n push %rsi\n push %rdi\n push %r8\n push %r9\n push %r10\n"  \
      " push %r11\n call " #fn "\n pop %r11\n pop %r10\n pop %r9\n pop %r8\n pop %rdi\n"    \
      " pop %rsi\n pop %rdx\n pop %rcx\n ret\n .size callee_save_" #fn ", . - callee_save_" #fn \
      "\n .popsection\n");                                                                  \
  extern "C" const char callee_save_##fn[]
// clang-format on
GUEST_CALLEE_SAVE_THUNK(native_irq_disable);
GUEST_CALLEE_SAVE_THUNK(native_irq_enable);
GUEST_CALLEE_SAVE_THUNK(native_save_fl);
GUEST_CALLEE_SAVE_THUNK(native_restore_fl);
GUEST_CALLEE_SAVE_THUNK(native_read_cr2);
GUEST_CALLEE_SAVE_THUNK(pv_irq_disable);
GUEST_CALLEE_SAVE_THUNK(pv_irq_enable);
GUEST_CALLEE_SAVE_THUNK(pv_save_fl);
GUEST_CALLEE_SAVE_THUNK(pv_restore_fl);
GUEST_CALLEE_SAVE_THUNK(pv_read_cr2);

namespace {

// pv_ops.irq's callee-save entries (thunks) and pv_ops.mmu's C functions.
struct PvIrqOps {
  const void* irq_disable;
  const void* irq_enable;
  const void* save_fl;
  const void* restore_fl;
  const void* read_cr2;
};
struct PvMmuOps {
  std::uint64_t (*read_cr3)();
  void (*write_cr3)(std::uint64_t);
  void (*flush_tlb_one)(std::uint64_t);
  void (*wbinvd)();
  void (*lazy_mmu_enter)();
  void (*lazy_mmu_leave)();
  void (*set_pte)(std::uint64_t*, std::uint64_t);
};
constexpr PvIrqOps kNativeIrq = {callee_save_native_irq_disable, callee_save_native_irq_enable,
                                 callee_save_native_save_fl, callee_save_native_restore_fl,
                                 callee_save_native_read_cr2};
constexpr PvIrqOps kPvIrq = {callee_save_pv_irq_disable, callee_save_pv_irq_enable,
                             callee_save_pv_save_fl, callee_save_pv_restore_fl,
                             callee_save_pv_read_cr2};
constexpr PvMmuOps kNativeMmu = {native_read_cr3, native_write_cr3, native_flush_tlb_one,
                                 native_wbinvd,   paravirt_nop,     paravirt_nop,
                                 native_set_pte};
constexpr PvMmuOps kPvMmu = {native_read_cr3,   pv_write_cr3,      pv_flush_tlb_one, pv_wbinvd,
                             pv_lazy_mmu_enter, pv_lazy_mmu_leave, pv_set_pte};
constinit PvIrqOps pv_irq = kNativeIrq;
constinit PvMmuOps pv_mmu = kNativeMmu;

// The entry a set_pte figure writes (a scratch word, not a live table).
constinit std::uint64_t figure_pte = 0;

}  // namespace

// The reference functions: one op each, no other work. The pvops_indirect
// callee-save calls are asm as Linux's PVOP_VCALLEE0/1 emit them: only rax
// (and the flags) are lost.
extern "C" {
[[gnu::noinline]] void figure_altpv_irq_disable(std::uint64_t) {
  altpv::irq_disable();
}
[[gnu::noinline]] void figure_altpv_irq_enable(std::uint64_t) {
  altpv::irq_enable();
}
[[gnu::noinline]] void figure_altpv_save_fl(std::uint64_t) {
  asm volatile("" : : "r"(altpv::save_fl()));
}
[[gnu::noinline]] void figure_altpv_restore_fl(std::uint64_t f) {
  altpv::restore_fl(f);
}
[[gnu::noinline]] void figure_altpv_read_cr2(std::uint64_t) {
  asm volatile("" : : "r"(altpv::read_cr2()));
}
[[gnu::noinline]] void figure_altpv_read_cr3(std::uint64_t) {
  asm volatile("" : : "r"(altpv::read_cr3()));
}
[[gnu::noinline]] void figure_altpv_write_cr3(std::uint64_t v) {
  altpv::write_cr3(v);
}
[[gnu::noinline]] void figure_altpv_flush_tlb_one(std::uint64_t a) {
  altpv::flush_tlb_one(reinterpret_cast<const void*>(a));
}
[[gnu::noinline]] void figure_altpv_wbinvd(std::uint64_t) {
  altpv::wbinvd();
}
[[gnu::noinline]] void figure_altpv_lazy_mmu_enter(std::uint64_t) {
  altpv::lazy_mmu_enter();
}
[[gnu::noinline]] void figure_altpv_lazy_mmu_leave(std::uint64_t) {
  altpv::lazy_mmu_leave();
}
[[gnu::noinline]] void figure_altpv_set_pte(std::uint64_t v) {
  altpv::set_pte(&figure_pte, v);
}
[[gnu::noinline]] void figure_altpv_safe_halt(std::uint64_t) {
  altpv::safe_halt();
}
[[gnu::noinline]] void figure_altpv_halt(std::uint64_t) {
  altpv::halt();
}

[[gnu::noinline]] void figure_pvops_indirect_irq_disable(std::uint64_t) {
  std::uint64_t rax;
  asm volatile("call *%[slot]" : "=a"(rax) : [slot] "m"(pv_irq.irq_disable) : "cc", "memory");
}
[[gnu::noinline]] void figure_pvops_indirect_irq_enable(std::uint64_t) {
  std::uint64_t rax;
  asm volatile("call *%[slot]" : "=a"(rax) : [slot] "m"(pv_irq.irq_enable) : "cc", "memory");
}
[[gnu::noinline]] void figure_pvops_indirect_save_fl(std::uint64_t) {
  std::uint64_t f;
  asm volatile("call *%[slot]" : "=a"(f) : [slot] "m"(pv_irq.save_fl) : "cc", "memory");
  asm volatile("" : : "r"(f));
}
[[gnu::noinline]] void figure_pvops_indirect_restore_fl(std::uint64_t f) {
  std::uint64_t rax;
  asm volatile("call *%[slot]"
               : "=a"(rax), "+D"(f)
               : [slot] "m"(pv_irq.restore_fl)
               : "cc", "memory");
}
[[gnu::noinline]] void figure_pvops_indirect_read_cr2(std::uint64_t) {
  std::uint64_t v;
  asm volatile("call *%[slot]" : "=a"(v) : [slot] "m"(pv_irq.read_cr2) : "cc", "memory");
  asm volatile("" : : "r"(v));
}
[[gnu::noinline]] void figure_pvops_indirect_read_cr3(std::uint64_t) {
  asm volatile("" : : "r"(pv_mmu.read_cr3()));
}
[[gnu::noinline]] void figure_pvops_indirect_write_cr3(std::uint64_t v) {
  pv_mmu.write_cr3(v);
}
[[gnu::noinline]] void figure_pvops_indirect_flush_tlb_one(std::uint64_t a) {
  pv_mmu.flush_tlb_one(a);
}
[[gnu::noinline]] void figure_pvops_indirect_wbinvd(std::uint64_t) {
  pv_mmu.wbinvd();
}
[[gnu::noinline]] void figure_pvops_indirect_lazy_mmu_enter(std::uint64_t) {
  pv_mmu.lazy_mmu_enter();
}
[[gnu::noinline]] void figure_pvops_indirect_lazy_mmu_leave(std::uint64_t) {
  pv_mmu.lazy_mmu_leave();
}
[[gnu::noinline]] void figure_pvops_indirect_set_pte(std::uint64_t v) {
  pv_mmu.set_pte(&figure_pte, v);
}
}

namespace altpv::guest {
namespace {

void figures_privileged() {
  const bool pv = boot_patching().features.has(altpv::Feature::Pv);
  pv_irq = pv ? kPvIrq : kNativeIrq;
  pv_mmu = pv ? kPvMmu : kNativeMmu;
  const std::uint64_t flags = altpv::save_fl();
  const std::uint64_t cr3 = altpv::read_cr3();
  const auto page = reinterpret_cast<std::uintptr_t>(&figure_pte);
  // In order: each leaves the state the next expects (irq_enable runs with
  // interrupts disabled and nothing pending; leave follows enter).
  const Figure figures[] = {
      {"altpv", "irq_disable", figure_altpv_irq_disable, 0},
      {"altpv", "irq_enable", figure_altpv_irq_enable, 0},
      {"altpv", "save_fl", figure_altpv_save_fl, 0},
      {"altpv", "restore_fl", figure_altpv_restore_fl, flags},
      {"altpv", "read_cr2", figure_altpv_read_cr2, 0},
      {"altpv", "read_cr3", figure_altpv_read_cr3, 0},
      {"altpv", "write_cr3", figure_altpv_write_cr3, cr3},
      {"altpv", "flush_tlb_one", figure_altpv_flush_tlb_one, page},
      {"altpv", "wbinvd", figure_altpv_wbinvd, 0},
      {"altpv", "lazy_mmu_enter", figure_altpv_lazy_mmu_enter, 0},
      {"altpv", "lazy_mmu_leave", figure_altpv_lazy_mmu_leave, 0},
      {"altpv", "set_pte", figure_altpv_set_pte, 0x1234},
      {"pvops_indirect", "irq_disable", figure_pvops_indirect_irq_disable, 0},
      {"pvops_indirect", "irq_enable", figure_pvops_indirect_irq_enable, 0},
      {"pvops_indirect", "save_fl", figure_pvops_indirect_save_fl, 0},
      {"pvops_indirect", "restore_fl", figure_pvops_indirect_restore_fl, flags},
      {"pvops_indirect", "read_cr2", figure_pvops_indirect_read_cr2, 0},
      {"pvops_indirect", "read_cr3", figure_pvops_indirect_read_cr3, 0},
      {"pvops_indirect", "write_cr3", figure_pvops_indirect_write_cr3, cr3},
      {"pvops_indirect", "flush_tlb_one", figure_pvops_indirect_flush_tlb_one, page},
      {"pvops_indirect", "wbinvd", figure_pvops_indirect_wbinvd, 0},
      {"pvops_indirect", "lazy_mmu_enter", figure_pvops_indirect_lazy_mmu_enter, 0},
      {"pvops_indirect", "lazy_mmu_leave", figure_pvops_indirect_lazy_mmu_leave, 0},
      {"pvops_indirect", "set_pte", figure_pvops_indirect_set_pte, 0x5678},
  };
  const altpv::testbed::Counters empty = measure(figure_empty, 0);
  if (empty.instructions == 0) {
    skip_test("instruction counting is off: run altpv-vmm with --count-insns");
    return;
  }
  for (const Figure& f : figures) {
    measure_figure(f, empty);
    // Each strategy did the op (natively; under pv set_pte by the
    // hypervisor's MmuUpdate).
    const std::string_view op = f.op;
    if (op == "irq_disable") EXPECT_TRUE(altpv::irqs_disabled());
    if (op == "irq_enable") EXPECT_TRUE(!altpv::irqs_disabled());
    if (op == "set_pte") EXPECT_EQ(figure_pte, f.arg);
  }
  altpv::restore_fl(flags);
  pv_irq = kNativeIrq;
  pv_mmu = kNativeMmu;
}

GUEST_TEST("figures.privileged", figures_privileged);

}  // namespace
}  // namespace altpv::guest
