// SPDX-License-Identifier: MIT
#include "cpu_model.h"

#include <cstdint>

#include "abi/abi.h"

namespace altpv::guest {

using altpv::CpuidResult;
using namespace altpv::testbed;

namespace {
constexpr auto cpuid = altpv::cpuid_instruction;
}  // namespace

CpuidResult model_cpuid(std::uint32_t leaf, std::uint32_t subleaf) {
  if (leaf != 1 && !(leaf == 7 && subleaf <= 1)) return cpuid(leaf, subleaf);
  const CpuidResult head = cpuid(kCpuModelLeaf, 0);
  if (head.eax != kCpuModelMagic) return cpuid(leaf, subleaf);
  if (leaf == 7) return cpuid(kCpuModelLeaf + 1 + subleaf, 0);
  CpuidResult leaf1 = cpuid(1, 0);
  leaf1.ecx = head.ebx;
  leaf1.edx = head.ecx;
  return leaf1;
}

altpv::FeatureSet detect_model_features() {
  return altpv::detect_cpu_features(model_cpuid);
}

}  // namespace altpv::guest
