// SPDX-License-Identifier: MIT
// Native-ABI stubs: the bridge from a patched site, which keeps the register
// ABI of the instruction it replaces, to a C++ handler with the C ABI.
//
// A stub saves every general-purpose register into a NativeRegs frame on the
// stack, realigns the stack to 16 bytes, calls handler(NativeRegs*) (an
// extern "C" function; make it noexcept: nothing may unwind through a stub), and
// reloads every register from the frame. The handler reads the op's inputs
// from the frame and writes only the op's outputs; everything else comes
// back exactly as it was. Flags are not preserved (every site clobbers them).
//
// Two flavours, chosen like the call shape in site.h:
//   - freestanding (kernels, -mno-red-zone): `call stub` ... `ret`; handlers
//     must be general-registers-only (-mgeneral-regs-only), so no vector state
//     is touched;
//   - hosted (processes): the site steps over the red zone first and the stub
//     returns with `ret $128`; the stub also XSAVEs the x87/SSE/AVX/AVX-512
//     state around the handler, so ordinary compiled C++ may run there
//     (ALTPV_NATIVE_STUB_RZ_GENERAL_REGS skips that for handlers built
//     -mgeneral-regs-only).
#pragma once

#include <cstddef>
#include <cstdint>

#include "altpv/site.h"

namespace altpv {

// Order matters: it is the stack layout the stub builds (rax at the lowest
// address, pushed last).
struct NativeRegs {
  std::uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
  std::uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};
static_assert(sizeof(NativeRegs) == std::size_t{15} * 8);

}  // namespace altpv

// Bytes of stack reserved for the hosted flavour's XSAVE area: the standard
// format up to and including AVX-512 state ends at 2688.
// The formatter would split the %-codes and labels in this asm text.
// clang-format off
#define ALTPV_STUB_XSAVE_AREA 4096
#define ALTPV_STUB_STR_(x) #x
#define ALTPV_STUB_STR(x) ALTPV_STUB_STR_(x)

#define ALTPV_STUB_PUSH_ALL                                                        \
  "push %r15\n push %r14\n push %r13\n push %r12\n push %r11\n push %r10\n"        \
  "push %r9\n push %r8\n push %rbp\n push %rdi\n push %rsi\n push %rdx\n"         \
  "push %rcx\n push %rbx\n push %rax\n"

#define ALTPV_STUB_POP_ALL                                                         \
  "pop %rax\n pop %rbx\n pop %rcx\n pop %rdx\n pop %rsi\n pop %rdi\n pop %rbp\n" \
  "pop %r8\n pop %r9\n pop %r10\n pop %r11\n pop %r12\n pop %r13\n pop %r14\n"     \
  "pop %r15\n"

// Hidden: a call alternative needs its stub within rel32, so each image
// (executable, shared library) calls its own copy, never another image's.
#define ALTPV_STUB_HEAD(stub)                                                    \
  ".pushsection .text\n .balign 16\n .globl " #stub "\n .hidden " #stub "\n"      \
  " .type " #stub ", @function\n" #stub ":\n" ALTPV_STUB_PUSH_ALL "mov %rsp, %rbp\n"

#define ALTPV_STUB_TAIL(stub, ret)                                                \
  "mov %rbp, %rsp\n" ALTPV_STUB_POP_ALL ret "\n .size " #stub ", . - " #stub       \
  "\n .popsection\n"

// A stub that saves general registers only: `handler` (extern "C") must not
// touch vector state, i.e. be built with -mgeneral-regs-only.
#define ALTPV_STUB_GENERAL_REGS(stub, handler, ret)                                \
  asm(ALTPV_STUB_HEAD(stub) "and $-16, %rsp\n mov %rbp, %rdi\n call " #handler "\n" \
      ALTPV_STUB_TAIL(stub, ret))

// Freestanding flavour (kernels are general-registers-only anyway).
#define ALTPV_NATIVE_STUB_PLAIN(stub, handler) ALTPV_STUB_GENERAL_REGS(stub, handler, "ret")

// Hosted call shape for a general-registers-only handler: no XSAVE, so the
// PV path costs a few nanoseconds instead of a hundred (docs/bench.md).
#define ALTPV_NATIVE_STUB_RZ_GENERAL_REGS(stub, handler) \
  ALTPV_STUB_GENERAL_REGS(stub, handler, "ret $128")

// Hosted flavour. XSAVE leaves the header bits of components outside its mask
// as they were, and XRSTOR faults on stray bits there, so the whole 64-byte
// header (offset 512) is cleared first: the stack holds garbage.
// Mask 0xe7: x87, SSE, AVX, opmask, ZMM_Hi256, Hi16_ZMM.
#define ALTPV_NATIVE_STUB_RZ(stub, handler)                                       \
  asm(ALTPV_STUB_HEAD(stub)                                                       \
      "sub $" ALTPV_STUB_STR(ALTPV_STUB_XSAVE_AREA) ", %rsp\n and $-64, %rsp\n"                                        \
      "xor %eax, %eax\n mov %rax, 512(%rsp)\n"                                    \
      "mov %rax, 520(%rsp)\n mov %rax, 528(%rsp)\n mov %rax, 536(%rsp)\n"         \
      "mov %rax, 544(%rsp)\n mov %rax, 552(%rsp)\n mov %rax, 560(%rsp)\n"         \
      "mov %rax, 568(%rsp)\n"                                                     \
      "mov $0xe7, %eax\n xor %edx, %edx\n xsave64 (%rsp)\n"                       \
      "mov %rbp, %rdi\n call " #handler "\n"                                      \
      "mov $0xe7, %eax\n xor %edx, %edx\n xrstor64 (%rsp)\n"                      \
      ALTPV_STUB_TAIL(stub, "ret $128"))

// Defines `stub` in the flavour this translation unit's sites call.
#if ALTPV_CALL_KIND == ALTPV_KIND_CALL
#define ALTPV_NATIVE_STUB(stub, handler) ALTPV_NATIVE_STUB_PLAIN(stub, handler)
#else
#define ALTPV_NATIVE_STUB(stub, handler) ALTPV_NATIVE_STUB_RZ(stub, handler)
#endif
// clang-format on
