// SPDX-License-Identifier: MIT
// The CPUID the guest sees: KVM_GET_SUPPORTED_CPUID, then the personality,
// then --cpu overrides. The VMM also asks it which instructions it may emulate.
#pragma once

#include <linux/kvm.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "personality.h"

namespace altpv::vmm {

// A bad --cpu string; the message names the offending words.
class CpuModelError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

enum class CpuFeature { Wrmsrns, MsrImm, Serialize, Rdpid, Fsgsbase, Hypervisor };

class CpuModel {
 public:
  explicit CpuModel(std::vector<kvm_cpuid_entry2> supported);

  // Drops KVM's own paravirtual leaves and sets the hypervisor bit and PV
  // leaves as the personality requires.
  void ApplyPersonality(Personality personality);
  // "+wrmsrns,-rdpid,...": throws CpuModelError naming every unknown word.
  void ApplyOverrides(std::string_view overrides);

  bool Has(CpuFeature feature) const;
  // The table for vCPU `index`: the model with that vCPU's APIC id, plus
  // the mirror leaves of abi.h (kCpuModelLeaf) for KVMs that ignore it.
  std::vector<kvm_cpuid_entry2> ForVcpu(std::uint32_t index) const;
  const std::vector<kvm_cpuid_entry2>& entries() const { return entries_; }

 private:
  kvm_cpuid_entry2* Find(std::uint32_t function, std::uint32_t index);
  const kvm_cpuid_entry2* Find(std::uint32_t function, std::uint32_t index) const;
  kvm_cpuid_entry2& FindOrAdd(std::uint32_t function, std::uint32_t index);
  void Set(CpuFeature feature, bool on);
  void PublishMirror(std::vector<kvm_cpuid_entry2>& table) const;

  std::vector<kvm_cpuid_entry2> entries_;
};

std::optional<CpuFeature> CpuFeatureByName(std::string_view name);

}  // namespace altpv::vmm
