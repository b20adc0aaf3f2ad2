// SPDX-License-Identifier: MIT
// Test support shared by host and guest tests: call a native-ABI stub with
// every general-purpose register loaded from a NativeRegs, and store every
// register as the stub left it. The difference between the two is what the
// stub changed; only an op's declared outputs may differ.
//
//   extern "C" void NAME(altpv::NativeRegs* regs, const void* stub);
//
// Defined per call shape, because the stub's return matches its site's call:
// ALTPV_REGISTER_HARNESS_PLAIN for `call stub` / `ret`, and
// ALTPV_REGISTER_HARNESS_RZ for `lea -128(%rsp),%rsp; call stub` / `ret $128`.
#pragma once

#include "altpv/native_abi.h"

// Stack while the registers are live: 0(%rsp) stub, 8(%rsp) regs pointer.
// The formatter would split the %-codes and labels in this asm text.
// clang-format off
#define ALTPV_HARNESS_LOAD                                                            \
  "push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n"           \
  "push %rdi\n push %rsi\n mov %rdi, %rax\n"                                          \
  "mov 8(%rax), %rbx\n mov 16(%rax), %rcx\n mov 24(%rax), %rdx\n"                     \
  "mov 32(%rax), %rsi\n mov 40(%rax), %rdi\n mov 48(%rax), %rbp\n"                    \
  "mov 56(%rax), %r8\n mov 64(%rax), %r9\n mov 72(%rax), %r10\n mov 80(%rax), %r11\n" \
  "mov 88(%rax), %r12\n mov 96(%rax), %r13\n mov 104(%rax), %r14\n"                   \
  "mov 112(%rax), %r15\n mov 0(%rax), %rax\n"

#define ALTPV_HARNESS_STORE                                                           \
  "push %rax\n mov 16(%rsp), %rax\n"                                                  \
  "mov %rbx, 8(%rax)\n mov %rcx, 16(%rax)\n mov %rdx, 24(%rax)\n"                     \
  "mov %rsi, 32(%rax)\n mov %rdi, 40(%rax)\n mov %rbp, 48(%rax)\n"                    \
  "mov %r8, 56(%rax)\n mov %r9, 64(%rax)\n mov %r10, 72(%rax)\n mov %r11, 80(%rax)\n" \
  "mov %r12, 88(%rax)\n mov %r13, 96(%rax)\n mov %r14, 104(%rax)\n"                   \
  "mov %r15, 112(%rax)\n pop %rbx\n mov %rbx, 0(%rax)\n add $16, %rsp\n"              \
  "pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n ret\n"

#define ALTPV_HARNESS_DEFINE(name, call)                                              \
  asm(".pushsection .text\n .globl " #name "\n .type " #name ", @function\n" #name    \
      ":\n" ALTPV_HARNESS_LOAD call ALTPV_HARNESS_STORE ".size " #name ", . - " #name \
      "\n .popsection\n")

#define ALTPV_REGISTER_HARNESS_PLAIN(name) ALTPV_HARNESS_DEFINE(name, "call *(%rsp)\n")
#define ALTPV_REGISTER_HARNESS_RZ(name) \
  ALTPV_HARNESS_DEFINE(name, "lea -128(%rsp), %rsp\n call *128(%rsp)\n")
// clang-format on
