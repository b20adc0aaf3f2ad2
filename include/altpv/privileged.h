// SPDX-License-Identifier: MIT
// The trivial privileged instructions as native-ABI ops: interrupt flag,
// halt, control registers, TLB and cache, and the lazy-MMU batch
// (docs/privileged-ops.md). Linux reaches these through pv_ops calls
// (paravirt_types.h: pv_ops.irq, pv_ops.mmu), so a native kernel pays a call
// for a one-byte `cli`, and for nothing at all in paravirt_nop(). Here:
//   - natively (bare metal, HVM) each site is the instruction itself, inline,
//     padded with one NOP (or, for irq_enable, a jmp over the room a PV form
//     needs); the lazy-MMU ops are one NOP;
//   - under a paravirtualising backend (the PV feature) each site becomes what
//     the backend renders for it at patch time (backend.h): a few inline
//     instructions on the vCPU's shared area, a call to a native-ABI stub, or
//     the native instruction where the hypervisor handles it anyway.
// Ring-0 code only, built -mno-red-zone: `pushf` and `push` below rsp would
// overwrite a red zone.
//
// Native register ABI per op (what a stub must keep: every general-purpose
// register but the op's outputs; flags are clobbered by every site):
//   op              native                 in    out   notes
//   IRQ_DISABLE     cli                    -     -     room 9
//   IRQ_ENABLE      sti                    -     -     room 25
//   SAVE_FL         pushf; pop %rax        -     rax   bit 9 (kFlagsIf) is IF;
//                                                      other bits unspecified; room 12
//   RESTORE_FL      push %rax; popf        rax   -     only bit 9 is meaningful
//   SAFE_HALT       sti; hlt               -     -     returns with interrupts enabled
//   HALT            hlt                    -     -
//   READ_CR2        mov %cr2, %rax         -     rax   room 9
//   READ_CR3        mov %cr3, %rax         -     rax
//   WRITE_CR3       mov %rdi, %cr3         rdi   -
//   FLUSH_TLB_ONE   invlpg (%rdi)          rdi   -
//   WBINVD          wbinvd                 -     -
//   LAZY_MMU_ENTER  (nothing: a NOP)       -     -
//   LAZY_MMU_LEAVE  (nothing: a NOP)       -     -     every queued set_pte done
//   SET_PTE         mov %rsi, (%rdi)       rdi   -     rdi = the entry, rsi = value;
//                                          rsi         queued while lazy (PV)
// "room N": the site is N bytes long whatever its native form, so that a
// backend can render its inline form there (ALTPV_SITE_ROOM); the others are
// as long as a call. Inputs are the registers a stub receives them in; rdi
// and rsi because every instruction above takes any register, and those are
// where a C handler wants them.
#pragma once

#include <cstdint>

#include "altpv/op_ids.h"
#include "altpv/site.h"

#if ALTPV_CALL_KIND != ALTPV_KIND_CALL
#error "altpv/privileged.h is for ring-0 code built -mno-red-zone (a freestanding build)"
#endif

namespace altpv {

// RFLAGS.IF, the one bit of save_fl's value that every form defines.
inline constexpr std::uint64_t kFlagsIf = std::uint64_t{1} << 9;

}  // namespace altpv

// The bytes each op reserves for a backend's inline form. 9: one instruction
// on a %gs-relative absolute address (prefix, opcode, ModRM, SIB, disp32,
// imm8); irq_enable three of them plus a call to its slow path.
#define ALTPV_ROOM_IRQ_DISABLE 9
#define ALTPV_ROOM_IRQ_ENABLE 25
#define ALTPV_ROOM_SAVE_FL 12
#define ALTPV_ROOM_READ_CR2 9

// The formatter would split the %-codes in this asm text.
// clang-format off
// A site that a PV backend may render as a call or as inline code in `room`
// bytes; `native` is padded by one NOP, so it runs as itself plus that NOP.
#define ALTPV_PRIV_SITE(op, room, ...)                                          \
  ALTPV_SITE_BEGIN ALTPV_SITE_ROOM(room) ALTPV_ALT_CALL(ALTPV_FEATURE_PV)      \
      ALTPV_SITE_END(op, __VA_ARGS__)

#define ALTPV_IRQ_DISABLE_SITE ALTPV_PRIV_SITE(ALTPV_OP_IRQ_DISABLE, ALTPV_ROOM_IRQ_DISABLE, "cli")
// 24 bytes of room after `sti` are more than one NOP holds: jump over them.
#define ALTPV_IRQ_ENABLE_SITE \
  ALTPV_PRIV_SITE(ALTPV_OP_IRQ_ENABLE, ALTPV_ROOM_IRQ_ENABLE, "sti; .byte 0xeb, 22; .fill 22, 1, 0xcc")
// The 10-byte NOP the engine fills with (nop_fill.h), spelled out: the site
// macros need the original's length while they expand, which .nops hides.
#define ALTPV_SAVE_FL_SITE                                                     \
  ALTPV_PRIV_SITE(ALTPV_OP_SAVE_FL, ALTPV_ROOM_SAVE_FL,                          \
                  "pushf; pop %%rax; .byte 0x66, 0x66, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0")
#define ALTPV_RESTORE_FL_SITE ALTPV_PRIV_SITE(ALTPV_OP_RESTORE_FL, 0, "push %%rax; popf")
#define ALTPV_SAFE_HALT_SITE ALTPV_PRIV_SITE(ALTPV_OP_SAFE_HALT, 0, "sti; hlt")
#define ALTPV_HALT_SITE ALTPV_PRIV_SITE(ALTPV_OP_HALT, 0, "hlt")
#define ALTPV_READ_CR2_SITE \
  ALTPV_PRIV_SITE(ALTPV_OP_READ_CR2, ALTPV_ROOM_READ_CR2, "mov %%cr2, %%rax")
#define ALTPV_READ_CR3_SITE ALTPV_PRIV_SITE(ALTPV_OP_READ_CR3, 0, "mov %%cr3, %%rax")
#define ALTPV_WRITE_CR3_SITE ALTPV_PRIV_SITE(ALTPV_OP_WRITE_CR3, 0, "mov %%rdi, %%cr3")
#define ALTPV_FLUSH_TLB_ONE_SITE ALTPV_PRIV_SITE(ALTPV_OP_FLUSH_TLB_ONE, 0, "invlpg (%%rdi)")
#define ALTPV_WBINVD_SITE ALTPV_PRIV_SITE(ALTPV_OP_WBINVD, 0, "wbinvd")
#define ALTPV_LAZY_MMU_ENTER_SITE ALTPV_PRIV_SITE(ALTPV_OP_LAZY_MMU_ENTER, 0, "")
#define ALTPV_LAZY_MMU_LEAVE_SITE ALTPV_PRIV_SITE(ALTPV_OP_LAZY_MMU_LEAVE, 0, "")
#define ALTPV_SET_PTE_SITE ALTPV_PRIV_SITE(ALTPV_OP_SET_PTE, 0, "mov %%rsi, (%%rdi)")
// clang-format on

namespace altpv {

// Every op is a compiler barrier ("memory"): nothing moves across a change of
// the interrupt flag or of the page tables. always_inline as in cpu_ops.h.

[[gnu::always_inline]] inline void irq_disable() {
  asm volatile(ALTPV_IRQ_DISABLE_SITE : : : "cc", "memory");
}

[[gnu::always_inline]] inline void irq_enable() {
  asm volatile(ALTPV_IRQ_ENABLE_SITE : : : "cc", "memory");
}

[[gnu::always_inline]] inline std::uint64_t save_fl() {
  std::uint64_t flags;
  asm volatile(ALTPV_SAVE_FL_SITE : "=a"(flags) : : "cc", "memory");
  return flags;
}

// `flags` is a value save_fl returned, its bit 9 possibly changed.
[[gnu::always_inline]] inline void restore_fl(std::uint64_t flags) {
  asm volatile(ALTPV_RESTORE_FL_SITE : : "a"(flags) : "cc", "memory");
}

[[gnu::always_inline]] inline bool irqs_disabled() {
  return (save_fl() & kFlagsIf) == 0;
}

// Enables interrupts and waits for one, with no window between the two in
// which an interrupt could be taken and the wait then miss it (STI's
// one-instruction shadow covers HLT).
[[gnu::always_inline]] inline void safe_halt() {
  asm volatile(ALTPV_SAFE_HALT_SITE : : : "cc", "memory");
}

// Waits for the next interrupt, leaving the interrupt flag as it is.
[[gnu::always_inline]] inline void halt() {
  asm volatile(ALTPV_HALT_SITE : : : "cc", "memory");
}

[[gnu::always_inline]] inline std::uint64_t read_cr2() {
  std::uint64_t v;
  asm volatile(ALTPV_READ_CR2_SITE : "=a"(v) : : "cc", "memory");
  return v;
}

[[gnu::always_inline]] inline std::uint64_t read_cr3() {
  std::uint64_t v;
  asm volatile(ALTPV_READ_CR3_SITE : "=a"(v) : : "cc", "memory");
  return v;
}

[[gnu::always_inline]] inline void write_cr3(std::uint64_t v) {
  asm volatile(ALTPV_WRITE_CR3_SITE : : "D"(v) : "cc", "memory");
}

[[gnu::always_inline]] inline void flush_tlb_one(const void* address) {
  asm volatile(ALTPV_FLUSH_TLB_ONE_SITE : : "D"(address) : "cc", "memory");
}

[[gnu::always_inline]] inline void wbinvd() {
  asm volatile(ALTPV_WBINVD_SITE : : : "cc", "memory");
}

// Page-table writes between enter and leave may be deferred until leave (a
// PV backend batches them into one hypercall); natively both are a NOP and
// every set_pte is a plain store. Not nested; the caller stays on one CPU.
[[gnu::always_inline]] inline void lazy_mmu_enter() {
  asm volatile(ALTPV_LAZY_MMU_ENTER_SITE : : : "cc", "memory");
}

[[gnu::always_inline]] inline void lazy_mmu_leave() {
  asm volatile(ALTPV_LAZY_MMU_LEAVE_SITE : : : "cc", "memory");
}

// Writes one 8-byte page-table entry: a store natively; under PV, the
// hypervisor's page-table update (done before set_pte returns outside lazy
// mode, by lazy_mmu_leave inside it). A TLB flush is still the caller's.
[[gnu::always_inline]] inline void set_pte(std::uint64_t* entry, std::uint64_t value) {
  asm volatile(ALTPV_SET_PTE_SITE : : "D"(entry), "S"(value) : "cc", "memory");
}

}  // namespace altpv
