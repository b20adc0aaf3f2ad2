/* SPDX-License-Identifier: MIT */
/* Calls hypercall 999: the VMM must return BadNumber (-1) and carry on.
   Exit(0) on -1, Exit(1) otherwise. */
#include "hypercall.inc"

.text
.globl _start
_start:
  mov $0x55, %rbx
  hypercall 999
  cmp $-1, %rax
  jne fail
  cmp $0x55, %rbx                /* other registers preserved */
  jne fail
  guest_exit 0
fail:
  guest_exit 1
