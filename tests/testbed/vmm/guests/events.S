/* SPDX-License-Identifier: MIT */
/* The event and privileged-op hypercalls with hostile arguments. The first
   byte of the command line says which personality the VMM runs:
     p  (--hv pv): every bad pointer, count and CR3 is refused with the right
        status and nothing is written; good calls succeed.
     h  (--hv hvm): RegisterVcpuInfo works (and checks its pointer); every
        PV-only call returns NotPv.
   Exit(0) when every status was as expected, otherwise Exit(step). RAM is
   the default 64 MiB. */
#include "hypercall.inc"

#define RAM_END 0x4000000
#define OK 0
#define BAD_POINTER -2
#define BAD_STATE -4
#define NOT_PV -5
#define BAD_ARGUMENT -6

/* Makes hypercall `nr` and exits with `step` unless rax == `status`. */
.macro call_expect nr, status, step
  mov $\nr, %eax
  out %eax, $HC_PORT
  cmp $\status, %rax
  je 1f
  guest_exit \step
1:
.endm

.text
.globl _start
_start:
  load_mode
  /* Under both: a VcpuInfo outside RAM, straddling its end, misaligned. */
  mov $0xffffffff00000000, %rdi
  call_expect HC_REGISTER_VCPU_INFO, BAD_POINTER, 1
  mov $RAM_END - 8, %rdi
  call_expect HC_REGISTER_VCPU_INFO, BAD_POINTER, 2
  lea vcpu_info + 1(%rip), %rdi
  call_expect HC_REGISTER_VCPU_INFO, BAD_ARGUMENT, 3
  cmp $'h', %r15b
  je hvm

  /* Block before any VcpuInfo: there is no mask to clear. */
  call_expect HC_BLOCK, BAD_STATE, 10
  /* MmuUpdate: one entry over the cap; an array wrapping around 2^64. */
  lea batch(%rip), %rdi
  mov $513, %rsi
  call_expect HC_MMU_UPDATE, BAD_ARGUMENT, 11
  mov $0xfffffffffffffff0, %rdi
  mov $2, %rsi
  call_expect HC_MMU_UPDATE, BAD_POINTER, 12
  /* A good entry, then one outside RAM: refused, and the good one is not
     written either. */
  lea batch(%rip), %rdi
  lea scratch(%rip), %rax
  mov %rax, 0(%rdi)
  movq $0x1234, 8(%rdi)
  movq $RAM_END, 16(%rdi)
  movq $0x5678, 24(%rdi)
  mov $2, %rsi
  call_expect HC_MMU_UPDATE, BAD_POINTER, 13
  cmpq $0, scratch(%rip)
  je 2f
  guest_exit 14
2:
  /* A misaligned entry address. */
  lea scratch + 4(%rip), %rax
  mov %rax, 16(%rdi)
  call_expect HC_MMU_UPDATE, BAD_POINTER, 15
  /* Two good entries land, in order. */
  lea scratch(%rip), %rax
  mov %rax, 16(%rdi)
  mov $2, %rsi
  call_expect HC_MMU_UPDATE, OK, 16
  cmpq $0x5678, scratch(%rip)
  je 3f
  guest_exit 17
3:
  /* CR3 outside RAM; reserved low bits. */
  mov $RAM_END, %rdi
  call_expect HC_LOAD_CR3, BAD_POINTER, 18
  mov %cr3, %rdi
  or $1, %rdi
  call_expect HC_LOAD_CR3, BAD_ARGUMENT, 19
  mov $0x0010000000000000, %rdi
  call_expect HC_LOAD_CR3, BAD_ARGUMENT, 20
  /* The good calls. */
  lea vcpu_info(%rip), %rdi
  call_expect HC_REGISTER_VCPU_INFO, OK, 21
  call_expect HC_EVENT_CHECK, OK, 22
  call_expect HC_FLUSH_TLB_ALL, OK, 23
  mov $0x100000, %rdi
  call_expect HC_FLUSH_TLB_ONE, OK, 24
  call_expect HC_WBINVD, OK, 25
  mov %cr3, %rdi
  call_expect HC_LOAD_CR3, OK, 26
  guest_exit 0

hvm:
  lea vcpu_info(%rip), %rdi
  call_expect HC_REGISTER_VCPU_INFO, OK, 30
  call_expect HC_EVENT_CHECK, NOT_PV, 31
  call_expect HC_BLOCK, NOT_PV, 32
  mov %cr3, %rdi
  call_expect HC_LOAD_CR3, NOT_PV, 33
  call_expect HC_FLUSH_TLB_ONE, NOT_PV, 34
  call_expect HC_FLUSH_TLB_ALL, NOT_PV, 35
  lea batch(%rip), %rdi
  xor %esi, %esi
  call_expect HC_MMU_UPDATE, NOT_PV, 36
  call_expect HC_WBINVD, NOT_PV, 37
  guest_exit 0

.data
.balign 16
vcpu_info: .skip 16
batch: .skip 32
scratch: .quad 0
