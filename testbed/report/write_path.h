// SPDX-License-Identifier: MIT
// How an MSR write must reach the VMM, given the API flavour the guest used,
// the CPU model and the personality. This is the contract msr.workload is
// checked against (docs/demo.md lists the rules).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "msr_expect.h"
#include "testbed_config.h"

namespace altpv::demo {

enum class WritePath {
  Trap,          // WRMSR (or CS-prefixed WRMSR) trapped by KVM
  EmulatedInsn,  // WRMSRNS or WRMSRNS imm: the VMM emulates what the host lacks
  Hypercall,     // the PV stub's MsrWrite
  Dropped,       // the PV backend discards it by policy: no log entry
};

// The name the VMM's --msr-log uses ("dropped" never appears there).
std::string_view path_name(WritePath path);

bool known_write_op(std::string_view op);

// The PV backend discards writes to this MSR (testbed MSR 3, a trace
// register the PV hypervisor does not keep; guest/pv_backend.cpp).
bool pv_drops(std::uint32_t msr);

WritePath expected_path(const ExpectedWrite& write, const TestbedConfig& config);

}  // namespace altpv::demo
