// SPDX-License-Identifier: MIT
/* Numbers shared by the site declaration macros (asm) and the engine (C++). */
#ifndef ALTPV_SITE_KINDS_H
#define ALTPV_SITE_KINDS_H

#define ALTPV_MAX_SITE_LENGTH 64

#define ALTPV_KIND_BYTES 0
#define ALTPV_KIND_CALL 1
#define ALTPV_KIND_CALL_RZ 2

/* Bytes a synthesised call occupies: `call rel32`, or, where the caller may
 * keep data in the red zone, `lea -128(%rsp),%rsp; call rel32` with the stub
 * returning through `ret $128`. */
#define ALTPV_CALL_LENGTH 5
#define ALTPV_CALL_RZ_LENGTH 10

#define ALTPV_SITE_HAS_CONSTANT 1

#endif
