// SPDX-License-Identifier: MIT
/* Feature bit numbers. Plain #defines so that C, C++, inline asm strings and
 * .S files all name the same numbers; features.h gives them types and names. */
#ifndef ALTPV_FEATURE_BITS_H
#define ALTPV_FEATURE_BITS_H

/* CPUID-derived. */
#define ALTPV_FEATURE_WRMSRNS 0    /* CPUID.(7,1):EAX[19] */
#define ALTPV_FEATURE_MSR_IMM 1    /* CPUID.(7,1):ECX[5] */
#define ALTPV_FEATURE_SERIALIZE 2  /* CPUID.(7,0):EDX[14] */
#define ALTPV_FEATURE_RDPID 3      /* CPUID.(7,0):ECX[22] */
#define ALTPV_FEATURE_FSGSBASE 4   /* CPUID.(7,0):EBX[0] */
#define ALTPV_FEATURE_HYPERVISOR 5 /* CPUID.1:ECX[31] */
#define ALTPV_FEATURE_RDTSCP 6     /* CPUID.0x80000001:EDX[27] */

/* Synthetic: set by software, never by CPUID. */
#define ALTPV_FEATURE_PV 32 /* a paravirtualising backend is active */

#define ALTPV_FEATURE_COUNT 64

/* Condition encoding in an alternative record (16 bits): a feature number,
 * optionally negated, or "always". */
#define ALTPV_COND_NOT 0x8000
#define ALTPV_COND_ALWAYS 0x7fff
#define ALTPV_NOT(feature) ((feature) | ALTPV_COND_NOT)

#endif
