// SPDX-License-Identifier: MIT
// Hypercalls to altpv-vmm: `out %eax, $port` with the testbed ABI's registers
// (testbed/abi/abi.h).
#pragma once

#include <cstdint>
#include <string_view>

#include "abi/abi.h"

namespace altpv::guest {

struct HypercallResult {
  altpv::testbed::HypercallError status;
  std::uint64_t value;  // rdx, for calls that return one

  bool ok() const { return status == altpv::testbed::HypercallError::Ok; }
};

// Every register but rax and rdx is preserved by the VMM, so only those are
// outputs; "memory" because the VMM reads and writes guest memory.
inline HypercallResult hypercall(altpv::testbed::Hypercall number, std::uint64_t a0 = 0,
                                 std::uint64_t a1 = 0, std::uint64_t a2 = 0, std::uint64_t a3 = 0,
                                 std::uint64_t a4 = 0) {
  std::uint64_t rax = static_cast<std::uint32_t>(number);
  register std::uint64_t r10 asm("r10") = a3;
  register std::uint64_t r8 asm("r8") = a4;
  asm volatile("out %%eax, %[port]"
               : "+a"(rax), "+d"(a2)
               : [port] "N"(altpv::testbed::kHypercallPort), "D"(a0), "S"(a1), "r"(r10), "r"(r8)
               : "memory");
  return {static_cast<altpv::testbed::HypercallError>(rax), a2};
}

// The forms that pass a string: its guest-physical address is its address,
// the guest being identity mapped.
inline HypercallResult hypercall(altpv::testbed::Hypercall number, std::string_view text) {
  return hypercall(number, reinterpret_cast<std::uintptr_t>(text.data()), text.size());
}

}  // namespace altpv::guest
