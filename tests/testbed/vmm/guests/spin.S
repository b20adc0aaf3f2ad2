/* SPDX-License-Identifier: MIT */
/* Never exits: only --timeout ends it. */
.text
.globl _start
_start:
  jmp _start
