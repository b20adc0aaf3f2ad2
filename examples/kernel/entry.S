/* SPDX-License-Identifier: MIT */
/* Where altpv-vmm enters the kernel: 64-bit mode, paging on with RAM
 * identity mapped, the VMM's GDT loaded, interrupts off, rdi = the boot
 * block (testbed/abi/abi.h). */

        .section .bss
        .balign 16
stack:
        .skip 16384
stack_top:

        .text
        .globl _start
_start:
        lea stack_top(%rip), %rsp
        call kernel_main        /* with rdi as the VMM left it; never returns */
1:      hlt
        jmp 1b

/* #GP: altpv's _safe MSR ops need the kernel to resume a fault at the fixup
 * its exception table names. This saves the registers a C++ call may
 * clobber, asks gp_fixup() (which does not return when nothing covers the
 * faulting rip) where to resume, and returns there. */
        .globl gp_entry
gp_entry:
        push %rax
        push %rcx
        push %rdx
        push %rsi
        push %rdi
        push %r8
        push %r9
        push %r10
        push %r11
        mov 80(%rsp), %rdi      /* the rip, above 9 registers and the error code */
        sub $8, %rsp            /* the CPU aligned the frame; 9 pushes unaligned it */
        call gp_fixup
        add $8, %rsp
        mov %rax, 80(%rsp)
        pop %r11
        pop %r10
        pop %r9
        pop %r8
        pop %rdi
        pop %rsi
        pop %rdx
        pop %rcx
        pop %rax
        add $8, %rsp            /* the error code */
        iretq

        .section .note.GNU-stack, "", @progbits
