/* SPDX-License-Identifier: MIT */
/* MSR bank guest: every way an MSR access reaches the VMM, with an IDT so a
   #GP or #UD is observed rather than fatal. Run it with the CPU model
   advertising WRMSRNS and MSR_IMM (emulated: the host lacks both) or not
   (then both must #UD); it asks CPUID which to expect. Exit(0) on success,
   otherwise Exit(step that failed). */
#include "hypercall.inc"
#include "idt.inc"

#define SYN0 0x40000100

/* The immediate forms, which binutils 2.40 cannot assemble: VEX3 map 7,
   `p0` = R̄X̄B̄ + map (0xc7 selects r8-r15 through B̄), ModRM c0 + rm. */
.macro wrmsrns_imm p0, modrm, msr
  .byte 0xc4, \p0, 0x7a, 0xf6, \modrm
  .long \msr
.endm
.macro rdmsr_imm p0, modrm, msr
  .byte 0xc4, \p0, 0x7b, 0xf6, \modrm
  .long \msr
.endm

.text
.globl _start
_start:
  call setup_idt

  /* 1: plain WRMSR/RDMSR of a synthetic MSR trap to the bank. */
  mov $SYN0, %ecx
  mov $0x55667788, %eax
  mov $0x11223344, %edx
  try_insn wrmsr
  expect_caught 0, 1
  xor %eax, %eax
  xor %edx, %edx
  try_insn rdmsr
  expect_caught 0, 2
  expect_eq $0x55667788, %eax, 3
  expect_eq $0x11223344, %edx, 4

  /* 5: the CS-prefixed WRMSR goes through KVM's emulator to a trap too. */
  mov $SYN0 + 1, %ecx
  mov $0xabc, %eax
  xor %edx, %edx
  try_insn .byte 0x2e, 0x0f, 0x30
  expect_caught 0, 5
  xor %eax, %eax
  rdmsr
  expect_eq $0xabc, %eax, 6

  /* 10: architectural checks: PAT memory type 2 is reserved. */
  mov $0x277, %ecx
  mov $0x00000002, %eax
  xor %edx, %edx
  try_insn wrmsr
  expect_caught 13, 10
  /* 11: a non-canonical KERNEL_GS_BASE. */
  mov $0xc0000102, %ecx
  xor %eax, %eax
  mov $0x00008000, %edx
  try_insn wrmsr
  expect_caught 13, 11
  /* 12: TSC_AUX with bits 63:32 set. */
  mov $0xc0000103, %ecx
  mov $0x42, %eax
  mov $1, %edx
  try_insn wrmsr
  expect_caught 13, 12
  /* 13: a valid TSC_AUX is accepted and reads back (from the vCPU itself:
     the bank writes architectural MSRs through). RDTSCP would show it too,
     but KVM's emulator here cannot run RDTSCP. */
  xor %edx, %edx
  try_insn wrmsr
  expect_caught 0, 13
  xor %eax, %eax
  rdmsr
  expect_eq $0x42, %eax, 14
  /* 15: an MSR neither KVM nor the bank knows. */
  mov $0x12345678, %ecx
  try_insn wrmsr
  expect_caught 13, 15

  /* Does the model advertise WRMSRNS (7.1 EAX[19]) and MSR_IMM (7.1 ECX[5])?
     Asked through the model mirror (abi.h kCpuModelLeaf + 2): some KVMs
     answer leaf 7 from the host. */
  mov $0x40000102, %eax
  xor %ecx, %ecx
  cpuid
  mov %eax, %r13d
  shr $19, %r13d
  and $1, %r13d
  mov %ecx, %r14d
  shr $5, %r14d
  and $1, %r14d

  /* 20: WRMSRNS: emulated when advertised, #UD otherwise. */
  mov $SYN0 + 2, %ecx
  mov $0x9abcdef0, %eax
  mov $0x12345678, %edx
  try_insn wrmsrns
  test %r13d, %r13d
  jz 1f
  expect_caught 0, 20
  xor %eax, %eax
  xor %edx, %edx
  rdmsr
  expect_eq $0x9abcdef0, %eax, 21
  expect_eq $0x12345678, %edx, 22
  /* 23: WRMSRNS to an MSR outside the bank is a #GP, as on hardware. */
  mov $0x12345678, %ecx
  try_insn wrmsrns
  expect_caught 13, 23
  jmp 2f
1:expect_caught 6, 24
2:
  /* 30: WRMSRNS imm32, %r9 (VEX.B set) and RDMSR %r12, imm32. */
  mov $0x0102030405060708, %r9
  xor %r12, %r12
  try_insn wrmsrns_imm 0xc7, 0xc1, SYN0 + 3   /* r9 */
  test %r14d, %r14d
  jz 3f
  expect_caught 0, 30
  try_insn rdmsr_imm 0xc7, 0xc4, SYN0 + 3    /* r12 */
  expect_caught 0, 31
  expect_eq %r9, %r12, 32
  jmp 4f
3:expect_caught 6, 33
4:
  guest_exit 0

idt_code
idt_data
