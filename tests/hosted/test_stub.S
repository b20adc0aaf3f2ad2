/* SPDX-License-Identifier: MIT */
/* The stub of the test backend, and a site that checks a call alternative
 * leaves its caller's red zone alone. */
#include "altpv/site.h"
#include "test_site_values.h"

#define RED_ZONE_QWORDS 16
#define PATTERN 0x5a17c0de5a17c0de

  .text

/* Hosted call alternatives are `lea -128(%rsp),%rsp; call`, so the stub
 * gives the 128 bytes back as it returns. It writes only eax, as the site's
 * native ABI demands. */
  .globl altpv_test_pv_stub
  .type altpv_test_pv_stub, @function
altpv_test_pv_stub:
  mov $ALTPV_TEST_FROM_STUB, %eax
  ret $128
  .size altpv_test_pv_stub, . - altpv_test_pv_stub

/* A leaf function owns the 128 bytes below its rsp: fill them, run the site,
 * and check them. A call that did not step over the red zone would have
 * pushed its return address onto them. */
  .globl altpv_test_red_zone_probe
  .type altpv_test_red_zone_probe, @function
altpv_test_red_zone_probe:
  movabs $PATTERN, %rdx
  lea -128(%rsp), %rdi
  mov $RED_ZONE_QWORDS, %ecx
1:
  mov %rdx, (%rdi)
  add $8, %rdi
  dec %ecx
  jnz 1b

  ALTPV_SITE_BEGIN
  ALTPV_ALT_CALL(ALTPV_FEATURE_PV)
  ALTPV_SITE_END(ALTPV_TEST_OP, mov $ALTPV_TEST_ORIGINAL, %eax)

  movabs $PATTERN, %rdx
  lea -128(%rsp), %rdi
  mov $RED_ZONE_QWORDS, %ecx
2:
  cmp %rdx, (%rdi)
  jne 3f
  add $8, %rdi
  dec %ecx
  jnz 2b
  ret
3:
  xor %eax, %eax
  ret
  .size altpv_test_red_zone_probe, . - altpv_test_red_zone_probe

  .section .note.GNU-stack, "", @progbits
