/* SPDX-License-Identifier: MIT */
/* Where the VMM enters the guest: 64-bit mode, paging on with RAM identity
 * mapped, the VMM's GDT loaded, interrupts off.
 *   guest_entry: the bootstrap vCPU; rdi = guest-physical BootInfo.
 *   ap_entry:    an application processor started by the StartVcpu
 *                hypercall; rsp = the stack the BSP gave it, rdi = its arg.
 * Both switch to the guest's own GDT and call into C++ (the IDT is loaded
 * there). Neither returns: a vCPU with nothing left to do halts, which parks
 * it in the VMM. */

/* The BSP's stack; AP stacks are in smp.cpp. Stacks need no clearing, so
 * they live in .stacks, outside the .bss range cleared below. */
#define BSP_STACK_SIZE 16384

        .section .stacks, "aw", @nobits
        .balign 16
bsp_stack:
        .skip BSP_STACK_SIZE
bsp_stack_top:

        .section .text.entry, "ax"
        .globl guest_entry
        .type guest_entry, @function
guest_entry:
        cld
        mov %rdi, %r12                  /* BootInfo, callee-saved */
        lea __bss_start(%rip), %rdi
        lea __bss_end(%rip), %rcx
        sub %rdi, %rcx
        xor %eax, %eax
        rep stosb
        lea bsp_stack_top(%rip), %rsp
        call load_gdt
        mov %r12, %rdi
        call kernel_main
        jmp halt_forever
        .size guest_entry, . - guest_entry

        .globl ap_entry
        .type ap_entry, @function
ap_entry:
        cld
        mov %rdi, %r12
        call load_gdt
        mov %r12, %rdi
        call ap_main
        jmp halt_forever
        .size ap_entry, . - ap_entry

halt_forever:
        cli
        hlt
        jmp halt_forever

        .section .note.GNU-stack, "", @progbits
