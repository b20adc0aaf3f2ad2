// SPDX-License-Identifier: MIT
// Test support shared by host and guest tests: run one patch site with every
// general-purpose register loaded from a NativeRegs, and store every
// register back into it afterwards. Whatever the site was patched to (the
// native instruction, or a call to a stub), only the site's declared outputs
// and clobbers may differ.
//
//   static altpv::NativeRegs* g_frame;     // static storage: addressed via rip
//   ALTPV_RUN_SITE_WITH_REGS(g_frame, ALTPV_MSR_WRMSR_SITE, [err] "i"(-5));
//
// rsp is the only register not loaded; rbp is loaded too and restored by
// hand because it cannot be declared clobbered. Hosted code first steps over
// the red zone, as a hosted call site does.
#pragma once

#include "altpv/native_abi.h"

#if ALTPV_CALL_KIND == ALTPV_KIND_CALL
// The formatter would split the %-codes and labels in this asm text.
// clang-format off
#define ALTPV_HARNESS_ENTER_STACK ""
#define ALTPV_HARNESS_LEAVE_STACK ""
#else
#define ALTPV_HARNESS_ENTER_STACK "lea -128(%%rsp), %%rsp\n"
#define ALTPV_HARNESS_LEAVE_STACK "lea 128(%%rsp), %%rsp\n"
#endif

#define ALTPV_HARNESS_LOAD_REGS                                          \
  "mov 8(%%rax), %%rbx\n mov 16(%%rax), %%rcx\n mov 24(%%rax), %%rdx\n"  \
  "mov 32(%%rax), %%rsi\n mov 40(%%rax), %%rdi\n mov 48(%%rax), %%rbp\n" \
  "mov 56(%%rax), %%r8\n mov 64(%%rax), %%r9\n mov 72(%%rax), %%r10\n"   \
  "mov 80(%%rax), %%r11\n mov 88(%%rax), %%r12\n mov 96(%%rax), %%r13\n" \
  "mov 104(%%rax), %%r14\n mov 112(%%rax), %%r15\n mov 0(%%rax), %%rax\n"

#define ALTPV_HARNESS_STORE_REGS                                         \
  "push %%rax\n mov 8(%%rsp), %%rax\n"                                   \
  "mov %%rbx, 8(%%rax)\n mov %%rcx, 16(%%rax)\n mov %%rdx, 24(%%rax)\n"  \
  "mov %%rsi, 32(%%rax)\n mov %%rdi, 40(%%rax)\n mov %%rbp, 48(%%rax)\n" \
  "mov %%r8, 56(%%rax)\n mov %%r9, 64(%%rax)\n mov %%r10, 72(%%rax)\n"   \
  "mov %%r11, 80(%%rax)\n mov %%r12, 88(%%rax)\n mov %%r13, 96(%%rax)\n" \
  "mov %%r14, 104(%%rax)\n mov %%r15, 112(%%rax)\n pop %%rbx\n mov %%rbx, 0(%%rax)\n"

#define ALTPV_RUN_SITE_WITH_REGS(frame, site, ...)                                                 \
  asm volatile("mov %[harness_frame], %%rax\n" ALTPV_HARNESS_ENTER_STACK                           \
               "push %%rbp\n push %%rax\n" ALTPV_HARNESS_LOAD_REGS site                            \
               "\n" ALTPV_HARNESS_STORE_REGS                                                       \
               "add $8, %%rsp\n pop %%rbp\n" ALTPV_HARNESS_LEAVE_STACK                             \
               :                                                                                   \
               : [harness_frame] "m"(frame)__VA_OPT__(, ) __VA_ARGS__                              \
               : "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", \
                 "r14", "r15", "cc", "memory")
// clang-format on
