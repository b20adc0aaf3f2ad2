/* SPDX-License-Identifier: MIT */
/* WRMSRNS with no IDT: with --cpu +wrmsrns the VMM emulates it (logged as
   emulated-insn) and the guest exits 0 after reading the value back; without
   it the instruction must #UD, which ends in a triple fault. */
#include "hypercall.inc"

.text
.globl _start
_start:
  mov $0x40000104, %ecx
  mov $0xcafef00d, %eax
  mov $0x01234567, %edx
  wrmsrns
  xor %eax, %eax
  xor %edx, %edx
  rdmsr
  cmp $0xcafef00d, %eax
  jne fail
  cmp $0x01234567, %edx
  jne fail
  guest_exit 0
fail:
  guest_exit 1
