// SPDX-License-Identifier: MIT
// What this kernel knows of the machine it runs on, altpv-vmm: its console,
// its exit, its paravirtual MSR interface, and the #GP vector.
#pragma once

#include <cstdint>
#include <string_view>

#include "altpv/msr_backend.h"

namespace example {

void console_write(std::string_view text);

// Ends the run; the VMM's exit status is 0 only for code 0.
[[noreturn]] void exit_machine(std::uint64_t code);

// Routes #GP to the exception table, so that the _safe MSR ops return
// kMsrFault instead of faulting.
void install_gp_handler();

// The VMM announces its paravirtual interface at CPUID 0x40000000 (--hv pv).
bool paravirtual();

// Every MSR access as a hypercall: the handler the PV stubs call.
altpv::MsrHandler& msr_hypercalls();

}  // namespace example
