// SPDX-License-Identifier: MIT
// The guest's paravirtual backend, for altpv-vmm --hv pv: every MSR site
// becomes a call to its native-ABI stub, and the stubs reach the hypervisor
// through MsrRead/MsrWrite hypercalls, following a per-MSR policy
// (docs/guest.md, "PV backend"). CPUID sites (pv_cpuid.h) get their stub too.
#pragma once

#include <cstdint>

#include "altpv/backend.h"

namespace altpv::guest {

enum class MsrPolicy : std::uint8_t {
  Hypercall,    // the default: ask the hypervisor
  PassThrough,  // run the native instruction (the hypervisor traps it)
  DropWrites,   // writes are discarded by agreement; reads use a hypercall
};

MsrPolicy pv_msr_policy(std::uint32_t msr);

// Installs the hypercall MsrHandler and returns the backend whose stubs the
// engine patches in: generic per MSR op, specialised for IA32_PAT writes and
// testbed MSR 2 reads, and the CPUID stub.
const altpv::Backend& pv_backend();

}  // namespace altpv::guest
