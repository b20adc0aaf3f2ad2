/* SPDX-License-Identifier: MIT */
/* One entry stub per exception vector (0-31). Each pushes a zero error code
 * where the CPU pushes none, so every frame has the same layout
 * (exception_frame.h), then the vector, then all general registers, and
 * calls handle_exception(frame). The handler may rewrite the frame (a fixup
 * changes rip, #UD emulation the registers too); the registers are restored
 * from it and iretq resumes wherever frame.rip now points. */

/* Vectors for which the CPU pushes an error code (SDM vol. 3A, 6.15). */
#define HAS_ERROR_CODE(v) ((v) == 8 || (v) == 10 || (v) == 11 || (v) == 12 || \
                           (v) == 13 || (v) == 14 || (v) == 17 || (v) == 21 || \
                           (v) == 29 || (v) == 30)

        .text
exception_common:
        push %r15
        push %r14
        push %r13
        push %r12
        push %r11
        push %r10
        push %r9
        push %r8
        push %rbp
        push %rdi
        push %rsi
        push %rdx
        push %rcx
        push %rbx
        push %rax
        /* The CPU aligned rsp to 16 before its 5-word frame; error code,
         * vector and 15 registers make 22 words: still aligned for the call. */
        mov %rsp, %rdi
        cld
        call handle_exception
        pop %rax
        pop %rbx
        pop %rcx
        pop %rdx
        pop %rsi
        pop %rdi
        pop %rbp
        pop %r8
        pop %r9
        pop %r10
        pop %r11
        pop %r12
        pop %r13
        pop %r14
        pop %r15
        add $16, %rsp                   /* vector and error code */
        iretq

        .section .rodata
        .balign 8
        .globl exception_stubs
exception_stubs:
        .text
        .set vector, 0
        .rept 32
        .balign 16
1:
        .if HAS_ERROR_CODE(vector) == 0
        pushq $0
        .endif
        pushq $vector
        jmp exception_common
        .section .rodata
        .quad 1b
        .text
        .set vector, vector + 1
        .endr

        .section .note.GNU-stack, "", @progbits
