// SPDX-License-Identifier: MIT
/* Declaring patch sites, from C/C++ inline asm and from .S files alike.
 *
 * A site lists its alternatives in priority order, then its original:
 *
 *   asm volatile(ALTPV_SITE_BEGIN
 *                ALTPV_ALT(ALTPV_FEATURE_RDPID, "rdpid %%rcx")
 *                ALTPV_ALT(ALTPV_FEATURE_RDTSCP, "rdtscp")
 *                ALTPV_SITE_END(ALTPV_OP_NONE, "mov $0x7b,%%ecx; lsl %%ecx,%%ecx")
 *                : "=c"(aux) : : "rax", "rdx", "cc");
 *
 * The first alternative whose condition holds wins; if none holds, the
 * original stays. The original is what runs before patching, so it must be
 * correct everywhere. In a .S file the same macros take bare instructions:
 *
 *   ALTPV_SITE_BEGIN
 *   ALTPV_ALT(ALTPV_FEATURE_WRMSRNS, .byte 0x0f, 0x01, 0xc6)
 *   ALTPV_SITE_END(ALTPV_OP_WRMSR_NS, .byte 0x2e; wrmsr)
 *
 * What the assembler does (GNU as; Clang needs -fno-integrated-as, which the
 * altpv CMake targets add):
 *   - each alternative's bytes go to altpv_repl and a record to altpv_alts,
 *     and .Laltpv_max tracks the longest;
 *   - the original goes to .text, padded to that length with multi-byte NOPs,
 *     and a copy of it (padding included) goes to altpv_repl so the engine
 *     can verify and restore it after the site was patched;
 *   - one record goes to altpv_sites (retained under --gc-sections).
 * An empty site, or one longer than ALTPV_MAX_SITE_LENGTH, is an assembler
 * error. Labels 8800-8899 are reserved for these macros.
 *
 * Section names are C identifiers so that the linker defines
 * __start_altpv_sites and friends for processes without a linker script.
 */
#ifndef ALTPV_SITE_H
#define ALTPV_SITE_H

#include "altpv/feature_bits.h"
#include "altpv/engine/site_kinds.h"

/* Call alternatives must not clobber a red zone the compiler may be using.
 * Freestanding code (kernels, the testbed guest) is built -mno-red-zone;
 * hosted code is not, so its calls step over the 128-byte red zone. */
#ifndef ALTPV_CALL_KIND
#if defined(__STDC_HOSTED__) && __STDC_HOSTED__ == 0
// The formatter would split the %-codes and labels in this asm text.
// clang-format off
#define ALTPV_CALL_KIND ALTPV_KIND_CALL
#define ALTPV_CALL_LEN ALTPV_CALL_LENGTH
#else
#define ALTPV_CALL_KIND ALTPV_KIND_CALL_RZ
#define ALTPV_CALL_LEN ALTPV_CALL_RZ_LENGTH
#endif
#endif

/* ALTPV_S emits directives (arguments macro-expanded first);
 * ALTPV_INSN emits the user's instructions as given. */
#ifdef __ASSEMBLER__
#define ALTPV_S(...) __VA_ARGS__;
#define ALTPV_INSN(...) __VA_ARGS__;
#else
#define ALTPV_S_STR(...) #__VA_ARGS__ "\n"
#define ALTPV_S(...) ALTPV_S_STR(__VA_ARGS__)
#define ALTPV_INSN(...) __VA_ARGS__ "\n"
#endif

/* Raise .Laltpv_max to `len` if it is longer. */
#define ALTPV_TRACK_MAX(len) \
  ALTPV_S(.if (len) > .Laltpv_max; .set .Laltpv_max, (len); .endif)

/* Reserves `len` bytes for the site whatever the lengths of its alternatives:
 * room for code a backend may render inline instead of a call (backend.h).
 * Place it between ALTPV_SITE_BEGIN and ALTPV_SITE_END. */
#define ALTPV_SITE_ROOM(len) ALTPV_TRACK_MAX(len)

#define ALTPV_SITE_BEGIN                                  \
  ALTPV_S(.pushsection altpv_alts, "a"; .balign 4; 8800:; \
          .popsection; .set .Laltpv_max, 0)

/* Replacement bytes, used when `cond` holds. */
#define ALTPV_ALT(cond, ...)                                               \
  ALTPV_S(.pushsection altpv_repl, "ax"; 8810:)                            \
  ALTPV_INSN(__VA_ARGS__)                                                  \
  ALTPV_S(8811:; .popsection; .pushsection altpv_alts, "a"; .long 8810b - .; \
          .short (cond); .byte ALTPV_KIND_BYTES, 8811b - 8810b; .popsection) \
  ALTPV_TRACK_MAX(8811b - 8810b)

/* A call to the stub the active backend supplies for this site's op, after
 * optional setup instructions (which must be position-independent), e.g. to
 * load the native registers a constant-index site keeps inside itself. */
#define ALTPV_ALT_CALL_AFTER(cond, ...)                                            \
  ALTPV_S(.pushsection altpv_repl, "ax"; 8810:)                                     \
  ALTPV_INSN(__VA_ARGS__)                                                          \
  ALTPV_S(8811:; .popsection; .pushsection altpv_alts, "a"; .long 8810b - .;       \
          .short (cond); .byte ALTPV_CALL_KIND, 8811b - 8810b + ALTPV_CALL_LEN;   \
          .popsection)                                                             \
  ALTPV_TRACK_MAX(8811b - 8810b + ALTPV_CALL_LEN)

#define ALTPV_ALT_CALL(cond) ALTPV_ALT_CALL_AFTER(cond, )

/* Pads the current location by .Laltpv_max minus the bytes since label
 * `start`, with NOPs of at most 9 bytes (the Intel-recommended forms). */
#define ALTPV_PAD_FROM(start)                                   \
  ALTPV_S(.if .Laltpv_max > (. - start);                        \
          .nops .Laltpv_max - (. - start), 9; .endif)

/* The site record, in `section` (altpv_sites; key sites use their own), at
 * label 8806. */
#define ALTPV_SITE_RECORD(section, op, constant, flags)                              \
  ALTPV_S(.if .Laltpv_max == 0; .error "altpv: empty site"; .endif;                  \
          .if .Laltpv_max > ALTPV_MAX_SITE_LENGTH;                                   \
          .error "altpv: site longer than 64 bytes"; .endif;      \
          .pushsection altpv_alts, "a"; 8801:; .popsection;                         \
          .pushsection section, "aR"; .balign 4; 8806:; .long 8802b - .;             \
          .long 8805b - .;                                                          \
          .long 8800b - .; .long (constant); .short (op); .byte 8804b - 8802b;       \
          .byte (8801b - 8800b) / 8; .byte (flags); .byte 0, 0, 0; .popsection)

/* The original (labels 8802-8804), its copy in altpv_repl, and the record. */
#define ALTPV_SITE_END_IN(section, op, constant, flags, ...)                    \
  ALTPV_S(8802:) ALTPV_INSN(__VA_ARGS__) ALTPV_S(8803:)                      \
  ALTPV_TRACK_MAX(8803b - 8802b)                                               \
  ALTPV_PAD_FROM(8802b) ALTPV_S(8804:)                                        \
  ALTPV_S(.pushsection altpv_repl, "ax"; 8805:) ALTPV_INSN(__VA_ARGS__)        \
  ALTPV_PAD_FROM(8805b) ALTPV_S(.popsection)                                   \
  ALTPV_SITE_RECORD(section, op, constant, flags)

#define ALTPV_SITE_END_FLAGS(op, constant, flags, ...) \
  ALTPV_SITE_END_IN(altpv_sites, op, constant, flags, __VA_ARGS__)

/* Ends a site: its op id and the original instructions. */
#define ALTPV_SITE_END(op, ...) ALTPV_SITE_END_FLAGS(op, 0, 0, __VA_ARGS__)

/* Ends a site that carries a site constant (e.g. a compile-time MSR index,
 * which from C++ is usually an "i" operand written as %c[name]). */
#define ALTPV_SITE_END_CONST(op, constant, ...) \
  ALTPV_SITE_END_FLAGS(op, constant, ALTPV_SITE_HAS_CONSTANT, __VA_ARGS__)

#endif
// clang-format on
