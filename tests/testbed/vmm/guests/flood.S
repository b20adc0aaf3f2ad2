/* SPDX-License-Identifier: MIT */
/* Floods the VMM with what it keeps or passes on, forever, as the command
   line says; the VMM's limits must end the run, or --timeout must.
     tests     TestBegin (300-byte name) and TestFail (2000-byte message)
     console   ConsoleWrite of 64 KiB
     msr       WRMSR to a synthetic MSR (logged with --msr-log)
     hypercall VcpuIndex, which nothing limits */
#include "hypercall.inc"

.text
.globl _start
_start:
  load_mode
  cmp $'t', %r15b
  je tests
  cmp $'c', %r15b
  je console
  cmp $'m', %r15b
  je msr
hypercalls:
  hypercall HC_VCPU_INDEX
  jmp hypercalls
tests:
  lea buffer(%rip), %rdi
  mov $300, %rsi
  hypercall HC_TEST_BEGIN
  lea buffer(%rip), %rdi
  mov $2000, %rsi
  hypercall HC_TEST_FAIL
  jmp tests
console:
  lea buffer(%rip), %rdi
  mov $65536, %rsi
  hypercall HC_CONSOLE_WRITE
  jmp console
msr:
  mov $0x40000100, %ecx
  xor %eax, %eax
  xor %edx, %edx
1:
  wrmsr
  inc %eax
  jmp 1b

.data
.balign 16
buffer: .fill 65536, 1, 'x'
