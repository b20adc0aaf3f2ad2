// SPDX-License-Identifier: MIT
// CPUID is unprivileged, so one detector serves kernels and processes.
#include "altpv/features.h"

namespace altpv {

CpuidResult cpuid_instruction(std::uint32_t leaf, std::uint32_t subleaf) {
  CpuidResult r{};
  asm volatile("cpuid"
               : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
               : "a"(leaf), "c"(subleaf));
  return r;
}

namespace {

bool bit(std::uint32_t reg, unsigned n) {
  return ((reg >> n) & 1) != 0;
}

}  // namespace

FeatureSet detect_cpu_features() {
  return detect_cpu_features(cpuid_instruction);
}

FeatureSet detect_cpu_features(CpuidFunction cpuid) {
  FeatureSet set;
  const std::uint32_t max_leaf = cpuid(0, 0).eax;
  set.set(Feature::Hypervisor, bit(cpuid(1, 0).ecx, 31));
  if (max_leaf >= 7) {
    const CpuidResult l7 = cpuid(7, 0);
    set.set(Feature::Fsgsbase, bit(l7.ebx, 0));
    set.set(Feature::Rdpid, bit(l7.ecx, 22));
    set.set(Feature::Serialize, bit(l7.edx, 14));
    // Subleaf 1 exists only if leaf 7 reports it in eax.
    if (l7.eax >= 1) {
      const CpuidResult l71 = cpuid(7, 1);
      set.set(Feature::Wrmsrns, bit(l71.eax, 19));
      set.set(Feature::MsrImm, bit(l71.ecx, 5));
    }
  }
  if (cpuid(0x80000000, 0).eax >= 0x80000001) {
    set.set(Feature::Rdtscp, bit(cpuid(0x80000001, 0).edx, 27));
  }
  return set;
}

}  // namespace altpv
