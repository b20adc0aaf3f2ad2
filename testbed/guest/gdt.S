/* SPDX-License-Identifier: MIT */
/* The guest's GDT, in guest memory: exception delivery and iretq load CS and
 * SS from the table itself, so a GDT that exists only in the segment
 * registers the VMM set would end in a triple fault. */
#include "segments.h"

        .section .rodata
        .balign 16
gdt:
        .quad 0                        /* null */
        .quad 0x00af9b000000ffff       /* GUEST_CODE_SELECTOR: 64-bit code, DPL 0 */
        .quad 0x00cf93000000ffff       /* GUEST_DATA_SELECTOR: data, DPL 0 */
gdt_end:

        .globl gdt_pointer              /* also for pvh_entry.S */
gdt_pointer:
        .short gdt_end - gdt - 1
        .quad gdt

/* Loads the GDT and reloads every segment register from it. CS can only be
 * reloaded by a far transfer: lretq to our own return address. */
        .text
        .globl load_gdt
        .type load_gdt, @function
load_gdt:
        lgdt gdt_pointer(%rip)
        mov $GUEST_DATA_SELECTOR, %eax
        mov %eax, %ds
        mov %eax, %es
        mov %eax, %ss
        mov %eax, %fs
        mov %eax, %gs
        pop %rax
        pushq $GUEST_CODE_SELECTOR
        push %rax
        lretq
        .size load_gdt, . - load_gdt

        .section .note.GNU-stack, "", @progbits
