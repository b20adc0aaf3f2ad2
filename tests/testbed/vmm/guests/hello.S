/* SPDX-License-Identifier: MIT */
/* Smoke guest: prints through both consoles and exits 0. */
#include "hypercall.inc"

.text
.globl _start
_start:
  lea msg(%rip), %rdi
  mov $msg_len, %rsi
  hypercall HC_CONSOLE_WRITE
  mov $0x3f8, %dx
  mov $'!', %al
  outb %al, %dx
  mov $'\n', %al
  outb %al, %dx
  guest_exit 0

.section .rodata
msg: .ascii "hello from the guest\n"
.set msg_len, . - msg
