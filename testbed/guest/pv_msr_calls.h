// SPDX-License-Identifier: MIT
// The building blocks of the PV backend's MSR handlers (pv_backend.cpp): the
// per-MSR policy, the MsrRead/MsrWrite hypercalls with only the registers
// they use, and the native replays of a refused access. The figures' lean-
// stub comparison (tests/figures.cpp) runs the same hypercalls.
#pragma once

#include <cstdint>

#include "abi/abi.h"
#include "altpv/msr.h"
#include "altpv/msr_backend.h"
#include "pv_backend.h"

namespace altpv::guest {

// Deviations from "every access is a hypercall"; docs/guest.md gives the
// reasons. Anything not listed uses a hypercall. A switch, so that both
// compilers fold the lookup into the variable-index handlers: a read that
// only asks "pass-through?" is one compare.
constexpr MsrPolicy policy_of(std::uint32_t msr) {
  switch (msr) {
    // TSC_AUX is virtualised by the VMM's trap path already; a hypercall
    // would only duplicate it.
    case altpv::msr::kIa32TscAux.index:
      return MsrPolicy::PassThrough;
    // Testbed MSR 3 is a trace register: the PV hypervisor keeps no trace.
    case altpv::testbed::kMsr3.index:
      return MsrPolicy::DropWrites;
    default:
      return MsrPolicy::Hypercall;
  }
}

// The index is zero-extended already (the stubs load it with a 32-bit
// move). hypercall.h would load all five argument registers: on the PV path
// every instruction counts. The write keeps rax itself and reports through
// the flags: a preserving handler (native_abi.h) that modifies any register
// saves, in GCC, every register it uses, arguments included, so this spares
// its fast path three pushes and three pops.
inline altpv::MsrAccess hypercall_write(std::uint64_t msr, std::uint64_t value) {
  bool failed;
  asm volatile(
      "push %%rax\n mov %[nr], %%eax\n out %%eax, %[port]\n test %%rax, %%rax\n pop %%rax"
      : "=@ccnz"(failed)
      : [nr] "i"(altpv::testbed::Hypercall::MsrWrite), [port] "N"(altpv::testbed::kHypercallPort),
        "D"(msr), "S"(value)
      : "memory");
  return failed ? altpv::MsrAccess::Fault : altpv::MsrAccess::Done;
}

inline altpv::MsrAccess hypercall_read(std::uint64_t msr, std::uint64_t* value) {
  std::uint64_t rax = static_cast<std::uint32_t>(altpv::testbed::Hypercall::MsrRead), rdx;
  asm volatile("out %%eax, %[port]"
               : "+a"(rax), "=d"(rdx)
               : [port] "N"(altpv::testbed::kHypercallPort), "D"(msr)
               : "memory");
  if (rax != 0) return altpv::MsrAccess::Fault;
  *value = rdx;
  return altpv::MsrAccess::Done;
}

}  // namespace altpv::guest

// The native instruction for a refused plain access (the #GP is then the
// real one), each a preserving function of its own: a handler's fast path
// then needs none of the registers the instruction uses.
extern "C" {
[[ALTPV_PRESERVING_HANDLER, gnu::noinline]] void guest_pv_replay_wrmsr(
    std::uint64_t msr, std::uint64_t value) noexcept;
[[ALTPV_PRESERVING_HANDLER, gnu::noinline]] altpv::MsrHalves guest_pv_replay_rdmsr(
    std::uint64_t msr) noexcept;
}
