/* SPDX-License-Identifier: MIT */
/* The bootstrap vCPU halts where nothing can wake it. The first byte of the
   command line says how:
     b  registers its VcpuInfo and Blocks (--hv pv) with no timer;
     c  `cli; hlt` with the timer on;
     i  `sti` and spins with the timer on but no IDT: the tick cannot be
        delivered (triple fault).
   Each must end the run with a clear report, never sleep until --timeout. */
#include "hypercall.inc"

.text
.globl _start
_start:
  load_mode
  cmp $'c', %r15b
  je no_if
  cmp $'i', %r15b
  je no_idt
  lea vcpu_info(%rip), %rdi
  hypercall HC_REGISTER_VCPU_INFO
  hypercall HC_BLOCK
  guest_exit 1
no_if:
  cli
  hlt
  guest_exit 2
no_idt:
  sti
1:
  pause
  jmp 1b

.data
.balign 16
vcpu_info: .skip 16
