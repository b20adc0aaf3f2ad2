// SPDX-License-Identifier: MIT
// The guest's paravirtual backend, for altpv-vmm --hv pv. MSR sites follow a
// per-MSR policy (docs/guest.md, "PV backend"), decided when each site is
// patched where the site has a constant index: a hand-written stub or a
// generic stub that makes the MsrRead/MsrWrite hypercall, the native
// instruction for a pass-through MSR, NOPs for a dropped write. Variable-
// index sites call the library's stubs, which look the policy up per access.
// CPUID sites (pv_cpuid.h) get their stub too.
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

// Installs the hypercall MsrHandler and returns the backend whose code the
// engine patches in.
const altpv::Backend& pv_backend();

}  // namespace altpv::guest
