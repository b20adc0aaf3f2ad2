// SPDX-License-Identifier: MIT
#include "smp.h"

#include <cstddef>

#include "hypercall.h"
#include "idt.h"
#include "vcpu_area.h"

extern "C" void ap_entry();

namespace altpv::guest {

struct ApLaunch {
  ApFunction fn;
  std::uint64_t arg;
  std::uint32_t index;
};

namespace {

constexpr std::size_t kApStackSize = 8192;

constinit ApLaunch launches[kMaxVcpus] = {};
// In .stacks (guest.ld): never cleared, never in the ELF file.
[[gnu::section(".stacks")]] alignas(16) char ap_stacks[kMaxVcpus][kApStackSize];

}  // namespace

altpv::testbed::HypercallError start_ap(std::uint32_t index, ApFunction fn, std::uint64_t arg) {
  using altpv::testbed::HypercallError;
  if (index == 0 || index >= kMaxVcpus) return HypercallError::BadArgument;
  launches[index] = {fn, arg, index};
  const auto stack_top = reinterpret_cast<std::uintptr_t>(ap_stacks[index] + kApStackSize);
  return hypercall(altpv::testbed::Hypercall::StartVcpu, index,
                   reinterpret_cast<std::uintptr_t>(&ap_entry), stack_top,
                   reinterpret_cast<std::uintptr_t>(&launches[index]))
      .status;
}

}  // namespace altpv::guest

// Called by ap_entry with the address of the launch record the BSP filled.
extern "C" void ap_main(std::uintptr_t launch_address) {
  const auto* launch = reinterpret_cast<const altpv::guest::ApLaunch*>(launch_address);
  altpv::guest::vcpu_area_enter(launch->index);
  altpv::guest::idt_load();
  altpv::guest::vcpu_events_start(launch->index, altpv::guest::pv_events());
  launch->fn(launch->arg);
}
