// SPDX-License-Identifier: MIT
// The CPUID the guest sees (its CPU model): KVM_GET_SUPPORTED_CPUID, then the
// personality, then --cpu overrides. Feature bits are the engine's
// (altpv::cpuid_bits()); the VMM also asks it which instructions it may
// emulate.
#pragma once

#include <linux/kvm.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "altpv/features.h"
#include "personality.h"

namespace altpv::vmm {

// A bad --cpu string; the message names the offending words and the valid names.
class CpuOverrideError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

class GuestCpuid {
 public:
  explicit GuestCpuid(std::vector<kvm_cpuid_entry2> supported);

  // Drops KVM's own paravirtual leaves and sets the hypervisor bit and PV
  // leaves as the personality requires.
  void apply_personality(Personality personality);
  // "+wrmsrns,-rdpid,...": throws CpuOverrideError naming every unknown word.
  void apply_overrides(std::string_view overrides);

  bool has(Feature feature) const;
  // The table for vCPU `index`: the model with that vCPU's APIC id, plus
  // the mirror leaves of abi.h (kCpuModelLeaf) for KVMs that ignore it.
  std::vector<kvm_cpuid_entry2> for_vcpu(std::uint32_t index) const;
  const std::vector<kvm_cpuid_entry2>& entries() const { return entries_; }

 private:
  kvm_cpuid_entry2* find(std::uint32_t function, std::uint32_t index);
  const kvm_cpuid_entry2* find(std::uint32_t function, std::uint32_t index) const;
  kvm_cpuid_entry2& find_or_add(std::uint32_t function, std::uint32_t index);
  void set(Feature feature, bool on);
  void publish_mirror(std::vector<kvm_cpuid_entry2>& table) const;

  std::vector<kvm_cpuid_entry2> entries_;
};

}  // namespace altpv::vmm
