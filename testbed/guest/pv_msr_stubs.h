// SPDX-License-Identifier: MIT
// Hand-written PV stubs for single MSRs: the backend hands them to the engine
// for constant-index sites, which then call them bare (without the site's
// setup). Each moves the native registers straight into the hypercall's
// (testbed/abi/abi.h: number in eax, index in rdi, value in rsi; status in
// rax, a read's value in rdx), saving only what the hypercall's registers
// overwrite and the site must keep. A refused access replays the native
// instruction, so the #GP is the real one.
#pragma once

#include <cstdint>

// The stub bodies, as assembler macros, so a test can build a broken one
// from the same text. A write stub gets the value back into rax from rsi,
// which the hypercall preserves. Write stubs keep the site's ABI for constant-index
// WRMSR/WRMSR_NS (value in rax; rcx, rdx and flags are the site's clobbers);
// read stubs the ABI of constant-index RDMSR64 (value out in rax). `keep_rsi`
// 0 builds a write stub that forgets rsi: the register checks must see it.
// Hypercall numbers: MsrWrite 8, MsrRead 7; port 0xe0 (static_asserts in
// pv_msr_stubs.cpp).
// The formatter would split the %-codes and labels in this asm text.
// clang-format off
#define GUEST_PV_MSR_STUB_MACROS                                                        \
  ".macro guest_pv_msr_write_stub name, msr, keep_rsi=1\n"                               \
  " .pushsection .text\n .balign 16\n .globl \\name\n .type \\name, @function\n"         \
  "\\name:\n"                                                                            \
  " .if \\keep_rsi\n push %rsi\n .endif\n push %rdi\n"                                   \
  " mov %rax, %rsi\n mov $\\msr, %edi\n mov $8, %eax\n out %eax, $0xe0\n"                 \
  " test %rax, %rax\n mov %rsi, %rax\n pop %rdi\n .if \\keep_rsi\n pop %rsi\n .endif\n"   \
  " jnz 1f\n ret\n"                                                                      \
  "1: mov $\\msr, %ecx\n mov %rax, %rdx\n shr $32, %rdx\n wrmsr\n ret\n"                  \
  " .size \\name, . - \\name\n .popsection\n"                                            \
  ".endm\n"                                                                              \
  ".macro guest_pv_msr_read64_stub name, msr\n"                                          \
  " .pushsection .text\n .balign 16\n .globl \\name\n .type \\name, @function\n"         \
  "\\name:\n"                                                                            \
  " push %rdi\n mov $\\msr, %edi\n mov $7, %eax\n out %eax, $0xe0\n pop %rdi\n"           \
  " test %rax, %rax\n mov %rdx, %rax\n jnz 1f\n ret\n"                                     \
  "1: mov $\\msr, %ecx\n rdmsr\n shl $32, %rdx\n or %rdx, %rax\n ret\n"                   \
  " .size \\name, . - \\name\n .popsection\n"                                            \
  ".endm\n"
#define GUEST_PV_MSR_STUB_PURGE ".purgem guest_pv_msr_write_stub\n .purgem guest_pv_msr_read64_stub\n"
// clang-format on

namespace altpv::guest {

// The hand-written stub for a constant-index site of `op` and `msr`, or
// nullptr when there is none (the site then takes the generic path).
const void* hand_written_msr_stub(std::uint16_t op, std::uint32_t msr);

}  // namespace altpv::guest
