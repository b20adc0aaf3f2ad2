// SPDX-License-Identifier: MIT
/* Sites whose alternatives work only if the engine relocates them
 * (relocation_sites.S), and what each leaves in eax. Every alternative's
 * condition is PV; each function runs its site and returns. */
#ifndef ALTPV_TEST_RELOCATION_SITES_H
#define ALTPV_TEST_RELOCATION_SITES_H

#include "altpv/op_ids.h"

#define RELOC_ORIGINAL 0x100
#define RELOC_CALLED 0x101 /* call rel32 to a function in .text */
#define RELOC_JUMPED 0x102 /* jmp rel32 out to .text, which jumps back */
#define RELOC_TAKEN 0x103  /* jnz rel32 out, taken */
#define RELOC_NOT_TAKEN 0x104
#define RELOC_STEP 0x105   /* three times by a rel8 loop inside the replacement */
#define RELOC_LOADED 0x106 /* loaded RIP-relative from .data */
#define RELOC_STORED 0x107 /* stored RIP-relative to .data */
#define RELOC_FROM_STUB 1  /* the stub adds it to the word its call setup loaded */
#define RELOC_OP (ALTPV_OP_USER_BASE + 0x43)

#ifndef __ASSEMBLER__
#include "altpv/engine/site_records.h"

extern "C" {
// The records of these sites, in altpv_sites: [begin, end).
extern const altpv::SiteRecord altpv_reloc_sites_begin[];
extern const altpv::SiteRecord altpv_reloc_sites_end[];

unsigned altpv_reloc_call_out();
unsigned altpv_reloc_jmp_out();
unsigned altpv_reloc_jcc_out(unsigned take);
unsigned altpv_reloc_rel8_inside();
unsigned altpv_reloc_rip_load();
unsigned altpv_reloc_rip_store();  // returns the stored word
// The address the site's `lea 1f(%rip)` computed: a label inside the site.
const void* altpv_reloc_rip_inside();
unsigned altpv_reloc_call_setup();
// The stub for RELOC_OP's call/rz: eax = edx + RELOC_FROM_STUB.
void altpv_reloc_stub();

extern unsigned altpv_reloc_load_cell;
extern unsigned altpv_reloc_store_cell;
}
#endif

#endif
