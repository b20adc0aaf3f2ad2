/* SPDX-License-Identifier: MIT */
/* An empty IDT and a page fault (4 TiB is not mapped): #PF, then #DF, cannot
   be delivered. (KVM's emulator here cannot run INT3, so no breakpoint.) */
.text
.globl _start
_start:
  lidt idtr(%rip)
  movabs 0x40000000000, %rax
  hlt
.data
idtr: .word 0
      .quad 0
