/* SPDX-License-Identifier: MIT */
/* Counting guest: between MarkerBegin and MarkerEnd run exactly three movs
   (the third loads MarkerEnd's number), so --count-insns must report 3. An
   empty window (only that load) must report 1. Exit(0) when both hold,
   otherwise Exit(100 + the first count seen). */
#include "hypercall.inc"

.text
.globl _start
_start:
  lea counters(%rip), %rdi       /* MarkerEnd's argument, loaded outside the window */
  mov $HC_MARKER_BEGIN, %eax
  out %eax, $HC_PORT
  mov $1, %rbx
  mov $2, %rcx
  mov $HC_MARKER_END, %eax
  out %eax, $HC_PORT
  mov counters(%rip), %rbx       /* Counters.instructions */
  cmp $3, %rbx
  jne fail

  mov $HC_MARKER_BEGIN, %eax
  out %eax, $HC_PORT
  mov $HC_MARKER_END, %eax
  out %eax, $HC_PORT
  mov counters(%rip), %rbx
  cmp $1, %rbx
  jne fail
  guest_exit 0
fail:
  lea 100(%rbx), %rdi
  hypercall HC_EXIT

.bss
.balign 8
counters: .skip 40
