// SPDX-License-Identifier: MIT
#include "pv_cpuid.h"

#include "altpv/native_abi.h"
#include "cpu_model.h"

// The handler: one function, with the C ABI, reading and writing the site's
// registers in the frame.
extern "C" void guest_pv_cpuid(altpv::NativeRegs* r) noexcept {
  const altpv::CpuidResult c = altpv::guest::model_cpuid(static_cast<std::uint32_t>(r->rax),
                                                         static_cast<std::uint32_t>(r->rcx));
  r->rax = c.eax;
  r->rbx = c.ebx;
  r->rcx = c.ecx;
  r->rdx = c.edx;
}

ALTPV_NATIVE_STUB(guest_pv_stub_cpuid, guest_pv_cpuid);
