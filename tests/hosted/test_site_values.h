// SPDX-License-Identifier: MIT
/* What the sites of the hosted tests leave in eax, per alternative. Plain
 * #defines: the .S sites and stub use them too. */
#ifndef ALTPV_TEST_SITE_VALUES_H
#define ALTPV_TEST_SITE_VALUES_H

#include "altpv/op_ids.h"

/* The op whose call alternative the test backend supplies a stub for. */
#define ALTPV_TEST_OP (ALTPV_OP_USER_BASE + 0x42)

#define ALTPV_TEST_ORIGINAL 10
#define ALTPV_TEST_IF_WRMSRNS 11
#define ALTPV_TEST_IF_RDPID 12
#define ALTPV_TEST_IF_NOT_PV 13
#define ALTPV_TEST_FROM_STUB 14

#endif
