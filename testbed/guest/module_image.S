/* SPDX-License-Identifier: MIT */
/* The test module (module/), built as a flat image and carried in the
   guest's read-only data; module_loader.cpp copies it where it runs. */
.section .rodata.guest_module, "a"
.balign 16
.globl guest_module_start, guest_module_end
guest_module_start:
.incbin ALTPV_GUEST_MODULE_IMAGE
guest_module_end:

.section .note.GNU-stack, "", @progbits
