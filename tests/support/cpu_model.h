// SPDX-License-Identifier: MIT
// A guest CPU model for the VMM's emulator tests and fuzz targets: CPUID
// leaves 0 and 7 (subleaves 0 and 1) with no features, then `overrides` in
// --cpu syntax ("+wrmsrns,+msr_imm").
#pragma once

#include <string_view>

#include "guest_cpuid.h"

namespace altpv::vmm {

inline GuestCpuid cpu_model_with(std::string_view overrides) {
  kvm_cpuid_entry2 leaf0{}, leaf7{}, leaf71{};
  leaf0.eax = 7;
  leaf7.function = leaf71.function = 7;
  leaf7.eax = 1;
  leaf71.index = 1;
  GuestCpuid m({leaf0, leaf7, leaf71});
  m.apply_overrides(overrides);
  return m;
}

}  // namespace altpv::vmm
