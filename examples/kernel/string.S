/* SPDX-License-Identifier: MIT */
/* The C library functions the freestanding engine calls (and the compiler
 * may emit), which every kernel provides for itself. String instructions;
 * the direction flag is clear throughout this kernel. */

        .text
/* void *memcpy(void *dst = rdi, const void *src = rsi, size_t n = rdx) */
        .globl memcpy
        .type memcpy, @function
memcpy:
        mov %rdi, %rax
        mov %rdx, %rcx
        rep movsb
        ret
        .size memcpy, . - memcpy

/* void *memset(void *dst = rdi, int c = esi, size_t n = rdx) */
        .globl memset
        .type memset, @function
memset:
        mov %rdi, %r8
        mov %esi, %eax
        mov %rdx, %rcx
        rep stosb
        mov %r8, %rax
        ret
        .size memset, . - memset

/* int memcmp(const void *a = rdi, const void *b = rsi, size_t n = rdx):
 * repe cmpsb stops one past the first pair that differs. */
        .globl memcmp
        .type memcmp, @function
memcmp:
        xor %eax, %eax
        mov %rdx, %rcx
        test %rcx, %rcx
        jz 1f
        repe cmpsb
        je 1f
        movzbl -1(%rdi), %eax
        movzbl -1(%rsi), %ecx
        sub %ecx, %eax
1:      ret
        .size memcmp, . - memcmp

        .section .note.GNU-stack, "", @progbits
