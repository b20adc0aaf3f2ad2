// SPDX-License-Identifier: MIT
#include "pv_privileged.h"

#include "abi/abi.h"
#include "altpv/op_ids.h"
#include "altpv/privileged.h"
#include "vcpu_area.h"

namespace {

using altpv::testbed::Hypercall;
static_assert(static_cast<std::uint32_t>(Hypercall::EventCheck) == 15);
static_assert(static_cast<std::uint32_t>(Hypercall::Block) == 16);
static_assert(static_cast<std::uint32_t>(Hypercall::LoadCr3) == 17);
static_assert(static_cast<std::uint32_t>(Hypercall::FlushTlbOne) == 18);
static_assert(static_cast<std::uint32_t>(Hypercall::MmuUpdate) == 20);
static_assert(static_cast<std::uint32_t>(Hypercall::Wbinvd) == 21);
static_assert(altpv::testbed::kHypercallPort == 0xe0);
// The inline forms below spell these %gs offsets as numbers.
static_assert(altpv::testbed::kVcpuEventPending == 0);
static_assert(altpv::testbed::kVcpuEventMask == 1);
static_assert(altpv::testbed::kVcpuCr2 == 8);
static_assert(sizeof(altpv::testbed::MmuUpdateEntry) == 16);  // the batch index: count << 4

}  // namespace

// The inline forms, assembled here so that the engine relocates them into
// each site (irq_enable calls its slow path). Never executed where they are.
// Then the stubs: every one keeps every register but flags (and the op's
// outputs: none of these ops has one).
// The formatter would split the %-codes and labels in this asm text.
// clang-format off
asm(".pushsection .rodata.guest_pv_inline, \"a\"\n"
    "guest_pv_inline_irq_disable: movb $1, %gs:1\n"
    "guest_pv_inline_irq_disable_end:\n"
    "guest_pv_inline_irq_enable: movb $0, %gs:1\n testb $0xff, %gs:0\n jz 1f\n"
    " call guest_pv_event_check\n"
    "1:\n"
    "guest_pv_inline_irq_enable_end:\n"
    "guest_pv_inline_save_fl: movzbl %gs:1, %eax\n lea -1(%rax), %eax\n"
    "guest_pv_inline_save_fl_end:\n"
    "guest_pv_inline_read_cr2: mov %gs:8, %rax\n"
    "guest_pv_inline_read_cr2_end:\n"
    ".popsection\n"
    GUEST_PV_PRIV_STUB_MACROS
    "guest_pv_hypercall_stub guest_pv_event_check, 15\n"
    "guest_pv_hypercall_stub guest_pv_safe_halt, 16\n"
    "guest_pv_hypercall_stub guest_pv_write_cr3, 17\n"
    "guest_pv_hypercall_stub guest_pv_flush_tlb_one, 18\n"
    "guest_pv_hypercall_stub guest_pv_wbinvd, 21\n"
    GUEST_PV_PRIV_STUB_PURGE
    ".pushsection .text\n"
    // restore_fl: rax holds the flags; bit 9 is the new virtual IF. Enabling
    // finds a pending event: tail-call the EventCheck stub.
    ".balign 16\n .globl guest_pv_restore_fl\n .type guest_pv_restore_fl, @function\n"
    "guest_pv_restore_fl:\n"
    " bt $9, %eax\n jnc 1f\n movb $0, %gs:1\n testb $0xff, %gs:0\n jnz guest_pv_event_check\n ret\n"
    "1: movb $1, %gs:1\n ret\n"
    " .size guest_pv_restore_fl, . - guest_pv_restore_fl\n"
    // set_pte: rdi the entry, rsi the value. Outside lazy mode, one MmuUpdate
    // of the entry {rdi, rsi} pushed on the stack (identity mapped: its
    // address is its guest-physical address).
    ".balign 16\n .globl guest_pv_set_pte\n .type guest_pv_set_pte, @function\n"
    "guest_pv_set_pte:\n"
    " cmpb $0, " GUEST_VCPU_AREA_GS(LAZY_MMU_ACTIVE) "\n jne 2f\n"
    " push %rsi\n push %rdi\n push %rax\n lea 8(%rsp), %rdi\n mov $1, %esi\n mov $20, %eax\n"
    " out %eax, $0xe0\n pop %rax\n pop %rdi\n pop %rsi\n ret\n"
    // In lazy mode: queued in this vCPU's batch (%gs-relative, indexed by
    // the count times 16), after sending a full one.
    "2: cmpl $" GUEST_STRINGIFY(GUEST_VCPU_AREA_LAZY_MMU_ENTRIES) ", "
    GUEST_VCPU_AREA_GS(LAZY_MMU_COUNT) "\n jb 3f\n call guest_pv_lazy_send\n"
    "3: push %rax\n mov " GUEST_VCPU_AREA_GS(LAZY_MMU_COUNT) ", %eax\n shl $4, %eax\n"
    " mov %rdi, " GUEST_VCPU_AREA_GS(LAZY_MMU_BATCH) "(%rax)\n"
    " mov %rsi, " GUEST_VCPU_AREA_GS(LAZY_MMU_BATCH) "+8(%rax)\n"
    " incl " GUEST_VCPU_AREA_GS(LAZY_MMU_COUNT) "\n pop %rax\n ret\n"
    " .size guest_pv_set_pte, . - guest_pv_set_pte\n"
    ".balign 16\n .globl guest_pv_lazy_mmu_enter\n .type guest_pv_lazy_mmu_enter, @function\n"
    "guest_pv_lazy_mmu_enter: movb $1, " GUEST_VCPU_AREA_GS(LAZY_MMU_ACTIVE) "\n ret\n"
    " .size guest_pv_lazy_mmu_enter, . - guest_pv_lazy_mmu_enter\n"
    ".balign 16\n .globl guest_pv_lazy_mmu_leave\n .type guest_pv_lazy_mmu_leave, @function\n"
    "guest_pv_lazy_mmu_leave: movb $0, " GUEST_VCPU_AREA_GS(LAZY_MMU_ACTIVE) "\n"
    // Falls through: leave sends what is queued. MmuUpdate takes the batch's
    // address, which a %gs offset cannot give: the area's own address plus
    // the batch's offset.
    "guest_pv_lazy_send:\n"
    " cmpl $0, " GUEST_VCPU_AREA_GS(LAZY_MMU_COUNT) "\n je 4f\n"
    " push %rax\n push %rdi\n push %rsi\n mov " GUEST_VCPU_AREA_GS(SELF) ", %rdi\n"
    " lea " GUEST_STRINGIFY(GUEST_VCPU_AREA_LAZY_MMU_BATCH) "(%rdi), %rdi\n"
    " mov " GUEST_VCPU_AREA_GS(LAZY_MMU_COUNT) ", %esi\n mov $20, %eax\n out %eax, $0xe0\n"
    " movl $0, " GUEST_VCPU_AREA_GS(LAZY_MMU_COUNT) "\n pop %rsi\n pop %rdi\n pop %rax\n"
    "4: ret\n"
    " .size guest_pv_lazy_mmu_leave, . - guest_pv_lazy_mmu_leave\n"
    ".popsection\n");
// clang-format on

extern "C" const char guest_pv_inline_irq_disable[], guest_pv_inline_irq_disable_end[],
    guest_pv_inline_irq_enable[], guest_pv_inline_irq_enable_end[], guest_pv_inline_save_fl[],
    guest_pv_inline_save_fl_end[], guest_pv_inline_read_cr2[], guest_pv_inline_read_cr2_end[],
    guest_pv_event_check[], guest_pv_safe_halt[], guest_pv_write_cr3[], guest_pv_flush_tlb_one[],
    guest_pv_wbinvd[], guest_pv_restore_fl[], guest_pv_set_pte[], guest_pv_lazy_mmu_enter[],
    guest_pv_lazy_mmu_leave[];

namespace altpv::guest {
namespace {

altpv::SiteCode inline_form(const char* begin, const char* end) {
  return altpv::SiteCode::inline_code(begin, static_cast<std::size_t>(end - begin));
}

}  // namespace

bool is_privileged_op(std::uint16_t op) {
  return op >= ALTPV_OP_IRQ_DISABLE && op <= ALTPV_OP_SET_PTE;
}

altpv::SiteCode pv_privileged_code(const altpv::CallSite& site) {
  switch (site.op) {
    case ALTPV_OP_IRQ_DISABLE:
      return inline_form(guest_pv_inline_irq_disable, guest_pv_inline_irq_disable_end);
    case ALTPV_OP_IRQ_ENABLE:
      return inline_form(guest_pv_inline_irq_enable, guest_pv_inline_irq_enable_end);
    case ALTPV_OP_SAVE_FL:
      return inline_form(guest_pv_inline_save_fl, guest_pv_inline_save_fl_end);
    case ALTPV_OP_READ_CR2:
      return inline_form(guest_pv_inline_read_cr2, guest_pv_inline_read_cr2_end);
    case ALTPV_OP_RESTORE_FL:
      return altpv::SiteCode::call(guest_pv_restore_fl);
    case ALTPV_OP_SAFE_HALT:
      return altpv::SiteCode::call(guest_pv_safe_halt);
    case ALTPV_OP_WRITE_CR3:
      return altpv::SiteCode::call(guest_pv_write_cr3);
    case ALTPV_OP_FLUSH_TLB_ONE:
      return altpv::SiteCode::call(guest_pv_flush_tlb_one);
    case ALTPV_OP_WBINVD:
      return altpv::SiteCode::call(guest_pv_wbinvd);
    case ALTPV_OP_SET_PTE:
      return altpv::SiteCode::call(guest_pv_set_pte);
    case ALTPV_OP_LAZY_MMU_ENTER:
      return altpv::SiteCode::call(guest_pv_lazy_mmu_enter);
    case ALTPV_OP_LAZY_MMU_LEAVE:
      return altpv::SiteCode::call(guest_pv_lazy_mmu_leave);
    default:
      // HALT, READ_CR3: the native instruction.
      return altpv::SiteCode::none();
  }
}

std::uint32_t pv_lazy_mmu_queued() {
  return this_vcpu_area().lazy_mmu_count;
}

}  // namespace altpv::guest
