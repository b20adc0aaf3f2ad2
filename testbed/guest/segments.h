// SPDX-License-Identifier: MIT
/* The guest's own GDT selectors (gdt.S). The same values as the VMM's boot
 * GDT, so nothing changes when the guest switches to its own table. Plain
 * #defines: the assembler includes this file too. */
#ifndef GUEST_SEGMENTS_H
#define GUEST_SEGMENTS_H

#define GUEST_CODE_SELECTOR 8
#define GUEST_DATA_SELECTOR 16

#endif
