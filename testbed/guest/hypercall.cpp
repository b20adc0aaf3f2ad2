// SPDX-License-Identifier: MIT
#include "hypercall.h"

namespace altpv::guest {

using altpv::testbed::Hypercall;

void exit_guest(std::uint64_t code) {
  hypercall(Hypercall::Exit, code);
  // The VMM ends the run on Exit; never fall back into the caller if it did not.
  for (;;) asm volatile("cli; hlt");
}

std::uint32_t vcpu_index() {
  return static_cast<std::uint32_t>(hypercall(Hypercall::VcpuIndex).value);
}

}  // namespace altpv::guest
