// SPDX-License-Identifier: MIT
// The post-mortem of a vCPU: registers, control registers, and the bytes at
// rip when rip maps into guest RAM.
#pragma once

#include <string>

#include "guest_memory.h"
#include "vcpu.h"

namespace altpv::vmm {

std::string vcpu_report(const Vcpu& vcpu, const GuestMemory& memory);

}  // namespace altpv::vmm
