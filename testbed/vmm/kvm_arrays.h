// SPDX-License-Identifier: MIT
// kvm_cpuid2 and kvm_msrs as the kernel lays them out. The distribution's
// uapi headers declare their trailing arrays with __DECLARE_FLEX_ARRAY, whose
// empty struct member has size 1 in C++: the arrays shift and the ioctl
// numbers (which encode sizeof) change, so KVM answers EINVAL.
#pragma once

#include <linux/kvm.h>

#include <cstdint>

namespace altpv::vmm::kvm {

struct CpuidHeader {  // struct kvm_cpuid2 without its entries
  std::uint32_t nent;
  std::uint32_t padding;
};
struct MsrsHeader {  // struct kvm_msrs without its entries
  std::uint32_t nmsrs;
  std::uint32_t pad;
};
static_assert(sizeof(CpuidHeader) == 8 && sizeof(MsrsHeader) == 8);

inline constexpr unsigned long kGetSupportedCpuid = _IOWR(KVMIO, 0x05, CpuidHeader);
inline constexpr unsigned long kSetCpuid2 = _IOW(KVMIO, 0x90, CpuidHeader);
inline constexpr unsigned long kGetMsrs = _IOWR(KVMIO, 0x88, MsrsHeader);
inline constexpr unsigned long kSetMsrs = _IOW(KVMIO, 0x89, MsrsHeader);

inline constexpr std::uint32_t kMaxCpuidEntries = 256;  // KVM_MAX_CPUID_ENTRIES

// A header followed by N entries, in one aligned buffer.
template <typename Header, typename Entry, std::uint32_t N>
struct WithEntries {
  Header header;
  Entry entries[N];
};

}  // namespace altpv::vmm::kvm
