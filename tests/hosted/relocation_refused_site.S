/* SPDX-License-Identifier: MIT */
/* A site whose alternative jumps, rel8, out of its replacement to code that
 * stays in altpv_repl: from the site no rel8 reaches it. The engine refuses
 * the site, and so does the build-time check, which is why this program is
 * the one test binary that is not checked. The jmp is spelled as bytes for
 * the reason relocation_sites.S gives. */
#include "altpv/op_ids.h"
#include "altpv/site.h"

#define REFUSED_ORIGINAL 0x200

  .text
  .globl altpv_reloc_refused
  .type altpv_reloc_refused, @function
altpv_reloc_refused:
  ALTPV_SITE_BEGIN
  ALTPV_ALT(ALTPV_FEATURE_PV, .byte 0xeb, 1f - . - 1)  /* jmp rel8 */
  ALTPV_SITE_END(ALTPV_OP_NONE, mov $REFUSED_ORIGINAL, %eax)
  ret

  .pushsection altpv_repl, "ax"
1:
  ud2
  .popsection

  .section .note.GNU-stack, "", @progbits
