// SPDX-License-Identifier: MIT
// The interrupt descriptor table: a gate per exception vector, each to its
// stub in exception_entry.S, and one for the timer (testbed::kTimerVector,
// vcpu_area.cpp). One table, shared by every vCPU.
#pragma once

namespace altpv::guest {

// Fills the table; once, on the BSP, before any exception can occur.
void idt_init();

// Loads the table into this vCPU's IDTR.
void idt_load();

}  // namespace altpv::guest
