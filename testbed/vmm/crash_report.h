// SPDX-License-Identifier: MIT
// The post-mortem of a vCPU: registers, control registers, and the bytes at
// rip when rip maps into guest RAM.
#pragma once

#include <string>

#include "guest_memory.h"
#include "vcpu_control.h"

namespace altpv::vmm {

std::string vcpu_report(const VcpuControl& vcpu, const GuestMemory& memory);

}  // namespace altpv::vmm
