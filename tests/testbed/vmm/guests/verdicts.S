/* SPDX-License-Identifier: MIT */
/* One test "t" and a verdict, chosen by the command line, then Exit(0)
   whatever happened: the VMM, not the guest, must notice what went wrong.
     pass     TestBegin, TestPass
     fail     TestBegin, TestFail "boom"
     skip     TestBegin, TestSkip "not here"
     unended  TestBegin and no result
     none     no test at all
     text     TestBegin and TestFail whose text holds terminal escapes,
              control characters and bytes that are not UTF-8 */
#include "hypercall.inc"

.text
.globl _start
_start:
  load_mode
  cmp $'n', %r15b
  je done
  cmp $'t', %r15b
  je text
  hypercall_text HC_TEST_BEGIN, name, name_len
  cmp $'p', %r15b
  je pass
  cmp $'f', %r15b
  je fail
  cmp $'s', %r15b
  je skip
  jmp done
pass:
  hypercall HC_TEST_PASS
  jmp done
fail:
  hypercall_text HC_TEST_FAIL, boom, boom_len
  jmp done
skip:
  hypercall_text HC_TEST_SKIP, reason, reason_len
  jmp done
text:
  hypercall_text HC_TEST_BEGIN, bad_name, bad_name_len
  hypercall_text HC_TEST_FAIL, bad_message, bad_message_len
done:
  guest_exit 0

.section .rodata
name: .ascii "t"
.set name_len, . - name
boom: .ascii "boom"
.set boom_len, . - boom
reason: .ascii "not here"
.set reason_len, . - reason
/* ESC [ 2 J (clear screen), a lone continuation byte, an overlong '/',
   a C1 CSI (c2 9b), then valid UTF-8 (U+00E9). */
bad_name: .ascii "esc\033[2J-\x80-\xc0\xaf-\xc2\x9b-\xc3\xa9"
.set bad_name_len, . - bad_name
bad_message: .ascii "bell\007 nul\0 \xff\xfe end"
.set bad_message_len, . - bad_message
