// SPDX-License-Identifier: MIT
#include "pv_signature.h"

#include <cstdint>
#include <cstring>

#include "abi/abi.h"

namespace altpv::guest {

bool testbed_pv_present(altpv::FeatureSet cpu) {
  using namespace altpv::testbed;
  if (!cpu.has(altpv::Feature::Hypervisor)) return false;
  std::uint32_t max_leaf, sig[3];
  asm volatile("cpuid"
               : "=a"(max_leaf), "=b"(sig[0]), "=c"(sig[1]), "=d"(sig[2])
               : "a"(kPvBaseLeaf), "c"(0));
  return max_leaf >= kPvBaseLeaf && std::memcmp(sig, kPvSignature, sizeof sig) == 0;
}

}  // namespace altpv::guest
