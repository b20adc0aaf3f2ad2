/* SPDX-License-Identifier: MIT */
/* WRMSR to an index neither KVM nor the VMM emulates: #GP is injected, and
   with no IDT it ends in a triple fault. */
.text
.globl _start
_start:
  mov $0x12345678, %ecx
  xor %eax, %eax
  xor %edx, %edx
  wrmsr
  hlt
