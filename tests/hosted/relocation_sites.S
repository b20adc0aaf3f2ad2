/* SPDX-License-Identifier: MIT */
/* Sites whose alternatives leave the replacement (call, jmp and jcc rel32 to
 * .text; RIP-relative loads and stores to .data; RIP-relative call setup) or
 * stay inside it (rel8 loop and jcc, a RIP-relative lea). Copied verbatim,
 * each would go somewhere else; relocated, each returns its RELOC_ value.
 * Written in assembly so that nothing of the compiler's (a red zone) sits
 * under the stack pointer when an alternative calls.
 *
 * JMP and Jcc are spelled as bytes: GNU as sizes them only at the end of
 * assembly, and the site macros need each alternative's length before that
 * (docs/site-format.md, "Relocation"). CALL and LOOP have one size. */
#include "altpv/site.h"
#include "relocation_sites.h"

#define FUNCTION(name) \
  .globl name;         \
  .type name, @function; \
  name:

  .pushsection altpv_sites, "aR"
  .balign 4
  .globl altpv_reloc_sites_begin
  .hidden altpv_reloc_sites_begin
altpv_reloc_sites_begin:
  .popsection

  .text

FUNCTION(altpv_reloc_call_out)
  ALTPV_SITE_BEGIN
  ALTPV_ALT(ALTPV_FEATURE_PV, call reloc_callee)
  ALTPV_SITE_END(ALTPV_OP_NONE, mov $RELOC_ORIGINAL, %eax)
  ret
reloc_callee:
  mov $RELOC_CALLED, %eax
  ret

FUNCTION(altpv_reloc_jmp_out)
  ALTPV_SITE_BEGIN
  ALTPV_ALT(ALTPV_FEATURE_PV, .byte 0xe9; .long reloc_jmp_trampoline - . - 4)  /* jmp rel32 */
  ALTPV_SITE_END(ALTPV_OP_NONE, mov $RELOC_ORIGINAL, %eax)
reloc_jmp_back:
  ret
reloc_jmp_trampoline:
  mov $RELOC_JUMPED, %eax
  jmp reloc_jmp_back

FUNCTION(altpv_reloc_jcc_out)
  ALTPV_SITE_BEGIN
  ALTPV_ALT(ALTPV_FEATURE_PV, mov $RELOC_NOT_TAKEN, %eax; test %edi, %edi;
            .byte 0x0f, 0x85; .long reloc_jcc_taken - . - 4)  /* jnz rel32 */
  ALTPV_SITE_END(ALTPV_OP_NONE, mov $RELOC_ORIGINAL, %eax)
  ret
reloc_jcc_taken:
  mov $RELOC_TAKEN, %eax
  ret

/* loop back, and jnz rel8 to the end of the replacement: inside. */
FUNCTION(altpv_reloc_rel8_inside)
  ALTPV_SITE_BEGIN
  ALTPV_ALT(ALTPV_FEATURE_PV, xor %eax, %eax; mov $3, %ecx; 1: add $RELOC_STEP, %eax; loop 1b;
            test %eax, %eax; .byte 0x75, 2f - . - 1; ud2; 2:)
  ALTPV_SITE_END(ALTPV_OP_NONE, mov $RELOC_ORIGINAL, %eax)
  ret

FUNCTION(altpv_reloc_rip_load)
  ALTPV_SITE_BEGIN
  ALTPV_ALT(ALTPV_FEATURE_PV, mov altpv_reloc_load_cell(%rip), %eax)
  ALTPV_SITE_END(ALTPV_OP_NONE, mov $RELOC_ORIGINAL, %eax)
  ret

/* The original is RIP-relative too: its copy in altpv_repl is relocated to
 * be recognised and restored. The immediate follows the displacement. */
FUNCTION(altpv_reloc_rip_store)
  ALTPV_SITE_BEGIN
  ALTPV_ALT(ALTPV_FEATURE_PV, movl $RELOC_STORED, altpv_reloc_store_cell(%rip))
  ALTPV_SITE_END(ALTPV_OP_NONE, movl $RELOC_ORIGINAL, altpv_reloc_store_cell(%rip))
  mov altpv_reloc_store_cell(%rip), %eax
  ret

/* A RIP-relative operand whose target is inside the replacement (two bytes
 * on from the lea): it moves with the bytes. */
FUNCTION(altpv_reloc_rip_inside)
  ALTPV_SITE_BEGIN
  ALTPV_ALT(ALTPV_FEATURE_PV, lea 1f(%rip), %rax; nop; nop; 1: nop)
  ALTPV_SITE_END(ALTPV_OP_NONE, xor %eax, %eax)
  ret

/* A call alternative whose setup loads RIP-relative. */
FUNCTION(altpv_reloc_call_setup)
  ALTPV_SITE_BEGIN
  ALTPV_ALT_CALL_AFTER(ALTPV_FEATURE_PV, mov altpv_reloc_load_cell(%rip), %edx)
  ALTPV_SITE_END(RELOC_OP, mov $RELOC_ORIGINAL, %eax)
  ret

/* Hosted call shape: the site stepped over the red zone. */
FUNCTION(altpv_reloc_stub)
  lea RELOC_FROM_STUB(%rdx), %eax
  ret $128

  .pushsection altpv_sites, "aR"
  .balign 4
  .globl altpv_reloc_sites_end
  .hidden altpv_reloc_sites_end
altpv_reloc_sites_end:
  .popsection

  .data
  .balign 4
  .globl altpv_reloc_load_cell
altpv_reloc_load_cell:
  .long RELOC_LOADED
  .globl altpv_reloc_store_cell
altpv_reloc_store_cell:
  .long 0

  .section .note.GNU-stack, "", @progbits
