/* SPDX-License-Identifier: MIT */
/* Records in every table section of altpv_tables.ld, but without the
   SHF_GNU_RETAIN flag ("R") that altpv's macros add: what an assembler or
   linker without it sees. Nothing refers to them, so --gc-sections keeps
   them only if the fragment KEEPs them. Exits 0 when every section kept its
   bytes, else 1 + the index of the first empty one. */
.text
.globl _start
_start:
  mov $1, %edi
  .irp section, altpv_sites, altpv_alts, altpv_repl, altpv_key_sites, altpv_key_refs, altpv_extable
  lea __stop_\section(%rip), %rax
  lea __start_\section(%rip), %rcx
  cmp %rcx, %rax
  je 1f
  inc %edi
  .endr
  xor %edi, %edi
1:
  mov $60, %eax                  /* exit(edi) */
  syscall

  .irp section, altpv_sites, altpv_alts, altpv_repl, altpv_key_sites, altpv_key_refs, altpv_extable
  .section \section, "a"
  .balign 4
  .long 0, 0, 0, 0
  .endr

.section .note.GNU-stack, "", @progbits
