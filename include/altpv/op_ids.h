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

/* Privileged-instruction ops; their native ABIs are listed in
 * altpv/privileged.h. */
#define ALTPV_OP_IRQ_DISABLE 9
#define ALTPV_OP_IRQ_ENABLE 10
#define ALTPV_OP_SAVE_FL 11
#define ALTPV_OP_RESTORE_FL 12
#define ALTPV_OP_SAFE_HALT 13
#define ALTPV_OP_HALT 14
#define ALTPV_OP_READ_CR2 15
#define ALTPV_OP_READ_CR3 16
#define ALTPV_OP_WRITE_CR3 17
#define ALTPV_OP_FLUSH_TLB_ONE 18
#define ALTPV_OP_WBINVD 19
#define ALTPV_OP_LAZY_MMU_ENTER 20
#define ALTPV_OP_LAZY_MMU_LEAVE 21
#define ALTPV_OP_SET_PTE 22

#define ALTPV_OP_USER_BASE 0x100

#endif
