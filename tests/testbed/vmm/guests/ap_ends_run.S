/* SPDX-License-Identifier: MIT */
/* An application processor ends the run while the bootstrap vCPU keeps making
   hypercalls: the VMM must stop every vCPU thread and exit cleanly, whichever
   thread ends the run and however many vCPUs wait. Command line "exit": the
   AP calls Exit(0); "crash": the AP touches an unknown I/O port. */
#include "hypercall.inc"

.text
.globl _start
_start:
  load_mode
  mov $1, %rdi                  /* StartVcpu(1, ap_entry, ap_stack_top, mode) */
  lea ap_entry(%rip), %rsi
  lea ap_stack_top(%rip), %rdx
  mov %r15, %r10
  hypercall HC_START_VCPU
  test %rax, %rax
  jz 1f
  guest_exit 10                 /* StartVcpu refused */
1:
  hypercall HC_VCPU_INDEX       /* until the AP ends the run */
  jmp 1b

ap_entry:                        /* rdi = mode */
  cmp $'c', %dil
  je 1f
  guest_exit 0
1:
  out %al, $0x99
  guest_exit 11                 /* the port did not end the run */

.bss
.balign 16
  .skip 4096
ap_stack_top:
