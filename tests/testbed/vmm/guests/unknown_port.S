/* SPDX-License-Identifier: MIT */
/* Writes to an I/O port nobody owns: fatal, with a report naming the port. */
.text
.globl _start
_start:
  mov $0x1234, %dx
  mov $0x42, %al
  outb %al, %dx
  hlt
