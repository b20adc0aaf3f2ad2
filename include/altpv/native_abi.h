// SPDX-License-Identifier: MIT
// Native-ABI stubs: the bridge from a patched site, which keeps the register
// ABI of the instruction it replaces, to a C++ handler with the C ABI.
// Flags are never preserved (every site clobbers them).
//
// Three kinds of generated stub:
//   - lean stubs (ALTPV_LEAN_STUB): for an op whose inputs and outputs fit
//     the C ABI's argument and return registers. The stub saves only the
//     registers the op must preserve and the handler may clobber (rax, rcx,
//     rdx, rsi, rdi, r8-r11, less the op's outputs and the site's clobbers;
//     the handler preserves the callee-saved ones itself), moves the op's
//     inputs into argument registers, calls handler(args...), and moves its
//     return registers (rax, rdx) into the op's outputs;
//   - full-frame stubs (ALTPV_NATIVE_STUB): for ops that need every
//     register. The stub saves all 15 general-purpose registers in a
//     NativeRegs frame, calls handler(NativeRegs*), and reloads every
//     register from the frame; the handler writes only the op's outputs;
//   - preserving stubs (ALTPV_PRESERVING_STUB): lean stubs for a handler
//     that keeps every register itself, so the stub saves only the argument
//     registers it loads (general-registers-only code; below).
// Both realign the stack to 16 bytes for the handler (a site may lie in a
// function whose stack is 8 off) and call an extern "C" handler; make it
// noexcept: nothing may unwind through a stub.
//
// Two flavours of each, chosen like the call shape in site.h:
//   - freestanding (kernels, -mno-red-zone): `call stub` ... `ret`; handlers
//     must be general-registers-only (-mgeneral-regs-only), so no vector state
//     is touched;
//   - hosted (processes): the site steps over the red zone first and the stub
//     returns with `ret $128`. A translation unit built without SSE
//     (-mgeneral-regs-only) gets general-registers-only stubs, because its
//     handlers cannot touch vector state; any other gets stubs that save the
//     x87/SSE/AVX/AVX-512 state around the handler, so ordinary compiled C++
//     may run there. The _GENERAL_REGS forms choose general-registers-only
//     for a handler marked [[gnu::target("general-regs-only")]].
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

// Hidden: a call alternative needs its stub within rel32, so each image
// (executable, shared library) calls its own copy, never another image's.
#define ALTPV_STUB_BEGIN(stub)                                                     \
  ".pushsection .text\n .balign 16\n .globl " #stub "\n .hidden " #stub "\n"      \
  " .type " #stub ", @function\n" #stub ":\n"
#define ALTPV_STUB_END(stub) ".size " #stub ", . - " #stub "\n .popsection\n"

// Hosted flavour's vector state, saved below a frame whose base is rbp (rax
// and rdx are free) by `xsave` (an instruction of the XSAVE family). XSAVE
// leaves the header bits of components outside its mask as they were, and
// XRSTOR faults on stray bits there, so the whole 64-byte header (offset 512)
// is cleared first: the stack holds garbage. Mask 0xe7: x87, SSE, AVX,
// opmask, ZMM_Hi256, Hi16_ZMM. 16 bytes between the frame and the area stay
// free for the lean stubs' rax and rdx. docs/bench.md compares the family;
// XSAVE is the one kept.
#define ALTPV_STUB_XSAVE_USING(xsave)                                               \
  "sub $" ALTPV_STUB_STR(ALTPV_STUB_XSAVE_AREA) "+16, %rsp\n and $-64, %rsp\n"      \
  "xor %eax, %eax\n mov %rax, 512(%rsp)\n"                                          \
  "mov %rax, 520(%rsp)\n mov %rax, 528(%rsp)\n mov %rax, 536(%rsp)\n"               \
  "mov %rax, 544(%rsp)\n mov %rax, 552(%rsp)\n mov %rax, 560(%rsp)\n"               \
  "mov %rax, 568(%rsp)\n"                                                           \
  "mov $0xe7, %eax\n xor %edx, %edx\n " xsave " (%rsp)\n"
#define ALTPV_STUB_VECTOR_SAVE ALTPV_STUB_XSAVE_USING("xsave64")
#define ALTPV_STUB_VECTOR_RESTORE "mov $0xe7, %eax\n xor %edx, %edx\n xrstor64 (%rsp)\n"

// ---- Full-frame stubs: every register in a NativeRegs ----------------------

#define ALTPV_STUB_PUSH_ALL                                                        \
  "push %r15\n push %r14\n push %r13\n push %r12\n push %r11\n push %r10\n"        \
  "push %r9\n push %r8\n push %rbp\n push %rdi\n push %rsi\n push %rdx\n"         \
  "push %rcx\n push %rbx\n push %rax\n"

#define ALTPV_STUB_POP_ALL                                                         \
  "pop %rax\n pop %rbx\n pop %rcx\n pop %rdx\n pop %rsi\n pop %rdi\n pop %rbp\n" \
  "pop %r8\n pop %r9\n pop %r10\n pop %r11\n pop %r12\n pop %r13\n pop %r14\n"     \
  "pop %r15\n"

#define ALTPV_STUB_HEAD(stub) ALTPV_STUB_BEGIN(stub) ALTPV_STUB_PUSH_ALL "mov %rsp, %rbp\n"

#define ALTPV_STUB_TAIL(stub, ret) \
  "mov %rbp, %rsp\n" ALTPV_STUB_POP_ALL ret "\n" ALTPV_STUB_END(stub)

// A stub that saves general registers only: `handler` (extern "C") must not
// touch vector state, i.e. be built with -mgeneral-regs-only.
#define ALTPV_STUB_GENERAL_REGS(stub, handler, ret)                                \
  asm(ALTPV_STUB_HEAD(stub) "and $-16, %rsp\n mov %rbp, %rdi\n call " #handler "\n" \
      ALTPV_STUB_TAIL(stub, ret))

// Freestanding flavour (kernels are general-registers-only anyway).
#define ALTPV_NATIVE_STUB_PLAIN(stub, handler) ALTPV_STUB_GENERAL_REGS(stub, handler, "ret")

// Hosted call shape for a general-registers-only handler: no vector state,
// so the PV path costs a few nanoseconds instead of a hundred (docs/bench.md).
#define ALTPV_NATIVE_STUB_RZ_GENERAL_REGS(stub, handler) \
  ALTPV_STUB_GENERAL_REGS(stub, handler, "ret $128")

// Hosted flavour with the vector state saved around the handler.
#define ALTPV_NATIVE_STUB_RZ(stub, handler)                                       \
  asm(ALTPV_STUB_HEAD(stub) ALTPV_STUB_VECTOR_SAVE                                \
      "mov %rbp, %rdi\n call " #handler "\n" ALTPV_STUB_VECTOR_RESTORE            \
      ALTPV_STUB_TAIL(stub, "ret $128"))

// ---- Lean stubs: only what the op needs ------------------------------------
//
//   ALTPV_LEAN_STUB(stub, handler, saved, args, results)
//     saved    registers to preserve, a comma-separated list without %
//              ("rax, rcx, rsi"): the C ABI's caller-saved registers less the
//              op's outputs and the site's clobbers;
//     args     instructions that move the op's inputs into rdi, rsi, ...
//              (run after the registers were saved, so they may clobber any
//              saved register);
//     results  instructions that move the handler's return registers (rax,
//              rdx) into the op's outputs ("" when they already are).
//
// Each stub defines and purges two assembler macros that push the list and
// pop it in reverse, so one list drives both.
#define ALTPV_LEAN_MACROS                                                                  \
  ".macro altpv_push_regs r, rest:vararg\n .ifnb \\r\n push %\\r\n .endif\n"              \
  " .ifnb \\rest\n altpv_push_regs \\rest\n .endif\n .endm\n"                             \
  ".macro altpv_pop_regs r, rest:vararg\n .ifnb \\rest\n altpv_pop_regs \\rest\n .endif\n" \
  " .ifnb \\r\n pop %\\r\n .endif\n .endm\n"
#define ALTPV_LEAN_PURGE ".purgem altpv_push_regs\n .purgem altpv_pop_regs\n"

#define ALTPV_LEAN_STUB_GENERAL_REGS_(stub, handler, saved, args, results, align, unalign, ret) \
  asm(ALTPV_LEAN_MACROS ALTPV_STUB_BEGIN(stub) "altpv_push_regs " saved "\n" align args          \
      "\n call " #handler "\n" unalign results "\n altpv_pop_regs " saved "\n" ret "\n"          \
      ALTPV_STUB_END(stub) ALTPV_LEAN_PURGE)

// Hosted, with `save` and `restore` (asm text) around the handler: they
// reserve and fill the area below the frame, as ALTPV_STUB_VECTOR_SAVE
// does, and may use rax and rdx. The handler's inputs and results pass
// through the two free slots below the frame meanwhile.
#define ALTPV_LEAN_STUB_RZ_SAVING(stub, handler, saved, args, results, save, restore)       \
  asm(ALTPV_LEAN_MACROS ALTPV_STUB_BEGIN(stub) "altpv_push_regs " saved "\n"                 \
      "push %rbp\n mov %rsp, %rbp\n mov %rax, -8(%rbp)\n mov %rdx, -16(%rbp)\n"              \
      save "mov -8(%rbp), %rax\n mov -16(%rbp), %rdx\n" args                                  \
      "\n call " #handler "\n mov %rax, -8(%rbp)\n mov %rdx, -16(%rbp)\n"                    \
      restore "mov -8(%rbp), %rax\n mov -16(%rbp), %rdx\n leave\n"                           \
      results "\n altpv_pop_regs " saved "\n ret $128\n" ALTPV_STUB_END(stub) ALTPV_LEAN_PURGE)

// Freestanding code is built with an 8-byte stack boundary, as Linux x86-64
// is (ALTPV_FREESTANDING_FLAGS), so its handlers realign themselves if they
// ever need more and the stub leaves the stack as it is. Processes follow the
// System V ABI's 16 bytes: the stub realigns.
#define ALTPV_STUB_ALIGN_16 "push %rbp\n mov %rsp, %rbp\n and $-16, %rsp\n"
#define ALTPV_LEAN_STUB_PLAIN(stub, handler, saved, args, results) \
  ALTPV_LEAN_STUB_GENERAL_REGS_(stub, handler, saved, args, results, "", "", "ret")
#define ALTPV_LEAN_STUB_RZ_GENERAL_REGS(stub, handler, saved, args, results)                    \
  ALTPV_LEAN_STUB_GENERAL_REGS_(stub, handler, saved, args, results, ALTPV_STUB_ALIGN_16, \
                                "leave\n", "ret $128")
#define ALTPV_LEAN_STUB_RZ(stub, handler, saved, args, results) \
  ALTPV_LEAN_STUB_RZ_SAVING(stub, handler, saved, args, results, ALTPV_STUB_VECTOR_SAVE, \
                             ALTPV_STUB_VECTOR_RESTORE)

// ---- Preserving stubs: the handler keeps every register --------------------
//
//   ALTPV_PRESERVING_STUB(stub, handler, saved, args, results)
//
// As ALTPV_LEAN_STUB, for a handler declared ALTPV_PRESERVING_HANDLER: the
// compiler makes such a handler keep every register but its return
// registers (no_caller_saved_registers), and it saves only those it uses.
// So `saved` lists only what the stub itself overwrites (the argument
// registers `args` loads, and a return register the op must keep): a read
// whose index goes to rdi costs one push and one pop. The handler also keeps the stack as it is:
// freestanding code has an 8-byte boundary anyway, and a hosted handler
// realigns itself if it needs to (force_align_arg_pointer; GCC only where a
// local needs it).
//
// Only general-registers-only code may use it, checked at compile time:
// the macros exist only where this translation unit cannot touch vector
// state (freestanding, or built without SSE), and GCC refuses
// no_caller_saved_registers on a function that may use SSE.
#if ALTPV_CALL_KIND == ALTPV_KIND_CALL
#define ALTPV_PRESERVING_HANDLER gnu::no_caller_saved_registers
#define ALTPV_PRESERVING_STUB(...) ALTPV_LEAN_STUB_PLAIN(__VA_ARGS__)
#elif !defined(__SSE__)
#define ALTPV_PRESERVING_HANDLER gnu::no_caller_saved_registers, gnu::force_align_arg_pointer
#define ALTPV_PRESERVING_STUB(stub, handler, saved, args, results) \
  ALTPV_LEAN_STUB_GENERAL_REGS_(stub, handler, saved, args, results, "", "", "ret $128")
#else
#define ALTPV_PRESERVING_HANDLER gnu::no_caller_saved_registers
#define ALTPV_PRESERVING_STUB(...)                                                            \
  static_assert(false, "ALTPV_PRESERVING_STUB needs general-registers-only code: build this " \
                       "translation unit without SSE (-mgeneral-regs-only)")
#endif

// Defines `stub` in the flavour this translation unit's sites call: plain
// when freestanding; hosted without vector state when this translation unit
// cannot touch it (built without SSE), else hosted with it.
// ALTPV_STUB_SAVES_VECTOR_STATE says which, for static_asserts.
#if ALTPV_CALL_KIND == ALTPV_KIND_CALL
#define ALTPV_NATIVE_STUB(stub, handler) ALTPV_NATIVE_STUB_PLAIN(stub, handler)
#define ALTPV_LEAN_STUB(...) ALTPV_LEAN_STUB_PLAIN(__VA_ARGS__)
#define ALTPV_STUB_SAVES_VECTOR_STATE 0
#elif !defined(__SSE__)
#define ALTPV_NATIVE_STUB(stub, handler) ALTPV_NATIVE_STUB_RZ_GENERAL_REGS(stub, handler)
#define ALTPV_LEAN_STUB(...) ALTPV_LEAN_STUB_RZ_GENERAL_REGS(__VA_ARGS__)
#define ALTPV_STUB_SAVES_VECTOR_STATE 0
#else
#define ALTPV_NATIVE_STUB(stub, handler) ALTPV_NATIVE_STUB_RZ(stub, handler)
#define ALTPV_LEAN_STUB(...) ALTPV_LEAN_STUB_RZ(__VA_ARGS__)
#define ALTPV_STUB_SAVES_VECTOR_STATE 1
#endif
// clang-format on
