/* SPDX-License-Identifier: MIT */
/* The PVH entry: Xen's direct boot ABI for HVM guests, which QEMU (-kernel),
 * Firecracker and cloud-hypervisor implement too
 * (https://xenbits.xen.org/docs/unstable/misc/pvh.html). The loader finds
 * pvh_entry through the XEN_ELFNOTE_PHYS32_ENTRY note and enters it in
 * 32-bit protected mode with paging off, flat CS/DS/ES/SS, interrupts off,
 * no stack and ebx = the guest-physical address of the hvm_start_info.
 *
 * This code enters long mode on static identity page tables for the first
 * 4 GiB (2 MiB pages) and the guest's own GDT (gdt.S), notes that the boot
 * came through PVH, and continues at guest_entry (entry.S), the 64-bit
 * entry altpv-vmm uses, with rdi = the start_info. The same ELF therefore
 * boots both ways; altpv-vmm enters at the ELF entry point and never runs
 * this code, and loads PT_LOAD segments only (the note is a PT_NOTE). */
#include "segments.h"

#define XEN_ELFNOTE_PHYS32_ENTRY 18  /* Xen's public/elfnote.h */

#define CR0_PE_MP_ET_NE_WP_AM_PG 0x80050033  /* as altpv-vmm sets it */
#define CR4_PAE (1 << 5)
#define CR4_OSFXSR (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define PTE_PRESENT_WRITABLE 0x3
#define PTE_LARGE 0x80

        .section .note.pvh, "a", @note
        .balign 4
        .long 2f - 1f                   /* namesz */
        .long 4f - 3f                   /* descsz: 8, read as a 64-bit address by QEMU */
        .long XEN_ELFNOTE_PHYS32_ENTRY
1:      .asciz "Xen"
2:      .balign 4
3:      .quad pvh_entry
4:

/* Initialised, so in the file and outside the .bss that guest_entry clears
 * while these tables are live. */
        .section .data.pvh, "aw"
        .balign 4096
pvh_pml4:
        .quad pvh_pdpt + PTE_PRESENT_WRITABLE
        .fill 511, 8, 0
pvh_pdpt:
        .quad pvh_pd + 0x0000 + PTE_PRESENT_WRITABLE
        .quad pvh_pd + 0x1000 + PTE_PRESENT_WRITABLE
        .quad pvh_pd + 0x2000 + PTE_PRESENT_WRITABLE
        .quad pvh_pd + 0x3000 + PTE_PRESENT_WRITABLE
        .fill 508, 8, 0
pvh_pd:
        .set page, 0
        .rept 2048
        .quad (page << 21) | PTE_LARGE | PTE_PRESENT_WRITABLE
        .set page, page + 1
        .endr

/* Read by platform.cpp; 1 once pvh_entry ran. */
        .globl pvh_booted
pvh_booted:
        .byte 0

        .section .text.entry, "ax"
        .code32
        .globl pvh_entry
        .type pvh_entry, @function
pvh_entry:
        /* The start_info pointer, kept in esi. `lea 0(%ebx)` rather than a
         * `mov`: the host's test of a broken loader rewrites its
         * displacement byte (docs/qemu.md). */
        {disp8} lea 0(%ebx), %esi
        cld
        mov %cr4, %eax
        or $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
        mov %eax, %cr4
        mov $pvh_pml4, %eax
        mov %eax, %cr3
        mov $MSR_EFER, %ecx
        rdmsr
        or $EFER_LME, %eax
        wrmsr
        mov $CR0_PE_MP_ET_NE_WP_AM_PG, %eax
        mov %eax, %cr0
        /* In 32-bit code lgdt reads a 16-bit limit and a 32-bit base: the
         * low half of gdt_pointer's 64-bit base, which is below 4 GiB. */
        lgdt gdt_pointer
        ljmp $GUEST_CODE_SELECTOR, $pvh_entry64

        .code64
pvh_entry64:
        movb $1, pvh_booted(%rip)
        mov %esi, %edi                  /* zero-extended */
        jmp guest_entry
        .size pvh_entry, . - pvh_entry

        .section .note.GNU-stack, "", @progbits
