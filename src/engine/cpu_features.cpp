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

// SDM Vol. 2A, CPUID: "Information Returned by CPUID Instruction".
constexpr CpuidBit kCpuidBits[] = {
    {Feature::Wrmsrns, 7, 1, CpuidReg::Eax, 19},
    {Feature::MsrImm, 7, 1, CpuidReg::Ecx, 5},
    {Feature::Serialize, 7, 0, CpuidReg::Edx, 14},
    {Feature::Rdpid, 7, 0, CpuidReg::Ecx, 22},
    {Feature::Fsgsbase, 7, 0, CpuidReg::Ebx, 0},
    {Feature::Hypervisor, 1, 0, CpuidReg::Ecx, 31},
    {Feature::Rdtscp, 0x80000001, 0, CpuidReg::Edx, 27},
};

// A leaf exists if its range's base leaf reports it; a subleaf above 0 of
// leaf 7 exists if subleaf 0 reports it in eax.
bool present(CpuidFunction cpuid, std::uint32_t leaf, std::uint32_t subleaf) {
  const std::uint32_t base = leaf & 0x80000000u;
  if (cpuid(base, 0).eax < leaf) return false;
  return subleaf == 0 || cpuid(leaf, 0).eax >= subleaf;
}

}  // namespace

std::span<const CpuidBit> cpuid_bits() {
  return kCpuidBits;
}

FeatureSet detect_cpu_features() {
  return detect_cpu_features(cpuid_instruction);
}

FeatureSet detect_cpu_features(CpuidFunction cpuid) {
  FeatureSet set;
  for (const CpuidBit& b : kCpuidBits) {
    if (!present(cpuid, b.leaf, b.subleaf)) continue;
    const CpuidResult r = cpuid(b.leaf, b.subleaf);
    set.set(b.feature, ((cpuid_reg(r, b.reg) >> b.bit) & 1) != 0);
  }
  return set;
}

}  // namespace altpv
