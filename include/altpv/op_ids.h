// SPDX-License-Identifier: MIT
/* Op ids: which stub family a call alternative of a site resolves to.
 * Plain #defines so asm can use them. Ids below ALTPV_OP_USER_BASE are
 * altpv's own; other code declares its ops from there up. */
#ifndef ALTPV_OP_IDS_H
#define ALTPV_OP_IDS_H

#define ALTPV_OP_NONE 0 /* a site that never becomes a call */

/* MSR ops; their stub ABIs are listed in altpv/msr.h. */
#define ALTPV_OP_WRMSR 1
#define ALTPV_OP_WRMSR_NS 2
#define ALTPV_OP_RDMSR 3
#define ALTPV_OP_RDMSR64 4
#define ALTPV_OP_WRMSR_SAFE 5
#define ALTPV_OP_WRMSR_NS_SAFE 6
#define ALTPV_OP_RDMSR_SAFE 7
#define ALTPV_OP_RDMSR64_SAFE 8

#define ALTPV_OP_USER_BASE 0x100

#endif
