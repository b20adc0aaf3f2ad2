// SPDX-License-Identifier: MIT
// What the guest's PV backend renders for the privileged-instruction ops
// (altpv/privileged.h), on the testbed's event interface (testbed/abi/abi.h,
// "Events"): the vCPU's VcpuInfo lies at the base of %gs, so the inline forms
// address it with a %gs-relative absolute operand and need no register.
//   irq_disable   inline  movb $1, %gs:event_mask
//   irq_enable    inline  movb $0, %gs:event_mask; testb $0xff, %gs:event_pending;
//                         jz 1f; call guest_pv_event_check; 1:
//   save_fl       inline  movzbl %gs:event_mask, %eax; lea -1(%rax), %eax
//                         (mask 0 gives 0xffffffff: bit 9 set; a non-zero mask
//                         gives at most 254: bit 9 clear)
//   read_cr2      inline  mov %gs:cr2, %rax
//   restore_fl    call    the mask from bit 9; EventCheck if that enabled
//                         events and one is pending
//   safe_halt     call    Block (clears the mask and sleeps, atomically)
//   write_cr3, flush_tlb_one, wbinvd
//                 call    LoadCr3, FlushTlbOne, Wbinvd: one hypercall each
//   set_pte       call    MmuUpdate of one entry; in lazy mode, queued in
//                         this vCPU's queue (in its %gs area, vcpu_area.h)
//   lazy_mmu_enter/leave
//                 call    start queueing / one MmuUpdate for the queue
//   halt, read_cr3        the native instruction: HLT exits to the VMM,
//                         which wakes the vCPU on its next event; the guest
//                         runs in ring 0 and may read its own CR3
// docs/privileged-ops.md has the reasons.
#pragma once

#include <cstdint>

#include "altpv/backend.h"

// The hypercall stubs' body, as an assembler macro so that a test can build
// a broken one from the same text: `keep_rax` 0 forgets to restore rax.
// The hypercall's number goes in eax; its argument, if any, is already in
// rdi, where the op's ABI puts it. Port 0xe0 (static_assert in the .cpp).
// The formatter would split the %-codes and labels in this asm text.
// clang-format off
#define GUEST_PV_PRIV_STUB_MACROS                                                  \
  ".macro guest_pv_hypercall_stub name, number, keep_rax=1\n"                       \
  " .pushsection .text\n .balign 16\n .globl \\name\n .type \\name, @function\n"    \
  "\\name:\n"                                                                       \
  " .if \\keep_rax\n push %rax\n .endif\n mov $\\number, %eax\n out %eax, $0xe0\n"  \
  " .if \\keep_rax\n pop %rax\n .endif\n ret\n"                                     \
  " .size \\name, . - \\name\n .popsection\n"                                       \
  ".endm\n"
#define GUEST_PV_PRIV_STUB_PURGE ".purgem guest_pv_hypercall_stub\n"
// clang-format on

namespace altpv::guest {

bool is_privileged_op(std::uint16_t op);

// The backend's code for a site of a privileged op (is_privileged_op).
altpv::SiteCode pv_privileged_code(const altpv::CallSite& site);

// Page-table updates this vCPU queued in lazy-MMU mode and not yet sent.
std::uint32_t pv_lazy_mmu_queued();

}  // namespace altpv::guest
