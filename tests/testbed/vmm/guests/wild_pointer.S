/* SPDX-License-Identifier: MIT */
/* Hands the VMM wild pointers and lengths: each call must fail with
   BadPointer (-2) and the VMM must carry on. Exit(0) when all did,
   otherwise Exit(step). */
#include "hypercall.inc"

.macro expect_bad_pointer step
  expect_status -2, \step
.endm

.text
.globl _start
_start:
  /* 1: far outside RAM. */
  mov $0xffffffff00000000, %rdi
  mov $16, %rsi
  hypercall HC_CONSOLE_WRITE
  expect_bad_pointer 1
  /* 2: starts inside RAM, runs past its end. */
  mov $0x3fff000, %rdi
  mov $0x2000, %rsi
  hypercall HC_TEST_BEGIN
  expect_bad_pointer 2
  /* 3: gpa + len wraps around 2^64 to a small number. */
  mov $0xfffffffffffffff0, %rdi
  mov $0x20, %rsi
  hypercall HC_CONSOLE_WRITE
  expect_bad_pointer 3
  /* 4: MarkerEnd's Counters straddle the end of RAM (64 MiB). */
  hypercall HC_MARKER_BEGIN
  mov $0x3fffff8, %rdi
  hypercall HC_MARKER_END
  expect_bad_pointer 4
  guest_exit 0
