// SPDX-License-Identifier: MIT
// GuestCpuid: --cpu overrides at the SDM's bit positions, personalities, the
// mirror leaves.
#include "guest_cpuid.h"

#include <gtest/gtest.h>

#include <cstring>

#include "abi/abi.h"

namespace altpv::vmm {
namespace {

kvm_cpuid_entry2 entry(std::uint32_t function, std::uint32_t index, std::uint32_t eax = 0,
                       std::uint32_t ebx = 0, std::uint32_t ecx = 0, std::uint32_t edx = 0) {
  kvm_cpuid_entry2 e{};
  e.function = function;
  e.index = index;
  e.eax = eax, e.ebx = ebx, e.ecx = ecx, e.edx = edx;
  return e;
}

// A host with SERIALIZE, RDPID, FSGSBASE and no WRMSRNS, no MSR_IMM.
GuestCpuid host_like() {
  return GuestCpuid({entry(0, 0, 0x1c), entry(1, 0, 0, 0, 0x80000000),
                     entry(7, 0, 1, 1, 1u << 22, 1u << 14), entry(7, 1),
                     entry(0x40000000, 0, 0x40000001, 0x4b4d564b)});
}

const kvm_cpuid_entry2* find(const std::vector<kvm_cpuid_entry2>& t, std::uint32_t function,
                             std::uint32_t index = 0) {
  for (const auto& e : t) {
    if (e.function == function && e.index == index) return &e;
  }
  return nullptr;
}

TEST(GuestCpuid, OverridesSetAndClearNamedBits) {
  GuestCpuid m = host_like();
  EXPECT_FALSE(m.has(Feature::Wrmsrns));
  EXPECT_TRUE(m.has(Feature::Rdpid));
  m.apply_overrides("+wrmsrns,+msr_imm,-rdpid,-serialize,-fsgsbase,-hypervisor");
  EXPECT_TRUE(m.has(Feature::Wrmsrns));
  EXPECT_TRUE(m.has(Feature::MsrImm));
  EXPECT_FALSE(m.has(Feature::Rdpid));
  EXPECT_FALSE(m.has(Feature::Serialize));
  EXPECT_FALSE(m.has(Feature::Fsgsbase));
  EXPECT_FALSE(m.has(Feature::Hypervisor));
  EXPECT_EQ(find(m.entries(), 7, 1)->eax, 1u << 19);
  EXPECT_EQ(find(m.entries(), 7, 1)->ecx, 1u << 5);
  EXPECT_EQ(find(m.entries(), 7, 0)->ecx, 0u) << "RDPID is CPUID.(7,0):ECX[22]";
  EXPECT_EQ(find(m.entries(), 7, 0)->edx, 0u) << "SERIALIZE is CPUID.(7,0):EDX[14]";
  EXPECT_EQ(find(m.entries(), 7, 0)->ebx, 0u) << "FSGSBASE is CPUID.(7,0):EBX[0]";
  EXPECT_EQ(find(m.entries(), 1, 0)->ecx, 0u) << "HYPERVISOR is CPUID.1:ECX[31]";
}

// SDM: RDTSCP is CPUID.80000001H:EDX[27]; the extended range's base leaf
// must reach the leaf for a guest to read it.
TEST(GuestCpuid, RdtscpLivesInTheExtendedRange) {
  GuestCpuid m = host_like();
  m.apply_overrides("+rdtscp");
  EXPECT_TRUE(m.has(Feature::Rdtscp));
  ASSERT_NE(find(m.entries(), 0x80000001), nullptr);
  EXPECT_EQ(find(m.entries(), 0x80000001)->edx, 1u << 27);
  EXPECT_EQ(find(m.entries(), 0x80000000)->eax, 0x80000001u);
  m.apply_overrides("-rdtscp");
  EXPECT_FALSE(m.has(Feature::Rdtscp));
}

// The CpuOverrideError message for `overrides`, or "" if they were accepted.
std::string override_error(GuestCpuid& m, std::string_view overrides) {
  try {
    m.apply_overrides(overrides);
  } catch (const CpuOverrideError& e) {
    return e.what();
  }
  return "";
}

TEST(GuestCpuid, SyntheticFeaturesAreNotCpuidBits) {
  GuestCpuid m = host_like();
  std::string what = override_error(m, "+wrmsrns,+pv");
  EXPECT_NE(what.find("pv are not CPUID bits (use --hv"), std::string::npos) << what;
  EXPECT_FALSE(m.has(Feature::Wrmsrns)) << "nothing applied on error";
}

TEST(GuestCpuid, UnknownNamesAreAnErrorNamingThem) {
  GuestCpuid m = host_like();
  std::string what = override_error(m, "+wrmsrns,+avx9000,-frobnicate");
  EXPECT_NE(what.find("+avx9000"), std::string::npos) << what;
  EXPECT_NE(what.find("-frobnicate"), std::string::npos) << what;
  EXPECT_NE(what.find("known: wrmsrns, msr_imm, serialize, rdpid, fsgsbase, hypervisor, rdtscp"),
            std::string::npos)
      << what;
  EXPECT_FALSE(m.has(Feature::Wrmsrns)) << "nothing applied on error";
}

TEST(GuestCpuid, AddsLeaf7Subleaf1WhenMissing) {
  GuestCpuid m({entry(0, 0, 7), entry(7, 0, 0)});
  m.apply_overrides("+msr_imm");
  EXPECT_TRUE(m.has(Feature::MsrImm));
  EXPECT_EQ(find(m.entries(), 7, 0)->eax, 1u) << "max subleaf raised";
}

TEST(GuestCpuid, PersonalityPv) {
  GuestCpuid m = host_like();
  m.apply_personality(Personality::Pv);
  EXPECT_TRUE(m.has(Feature::Hypervisor));
  const kvm_cpuid_entry2* base = find(m.entries(), testbed::kPvBaseLeaf);
  ASSERT_NE(base, nullptr);
  EXPECT_EQ(base->eax, testbed::kPvMaxLeaf);
  char sig[13] = {};
  std::memcpy(sig, &base->ebx, 4);
  std::memcpy(sig + 4, &base->ecx, 4);
  std::memcpy(sig + 8, &base->edx, 4);
  EXPECT_STREQ(sig, testbed::kPvSignature);
  EXPECT_EQ(find(m.entries(), testbed::kPvBaseLeaf + 1)->eax,
            testbed::kPvMsrHypercalls | testbed::kPvEvents);
}

TEST(GuestCpuid, PersonalityHvmAndNoneHaveNoPvLeaves) {
  for (Personality p : {Personality::Hvm, Personality::None}) {
    GuestCpuid m = host_like();
    m.apply_personality(p);
    EXPECT_EQ(find(m.entries(), 0x40000000), nullptr) << "KVM's own leaves are dropped too";
    EXPECT_EQ(m.has(Feature::Hypervisor), p == Personality::Hvm);
  }
}

TEST(GuestCpuid, ForVcpuSetsApicIdAndPublishesMirror) {
  GuestCpuid m = host_like();
  m.apply_overrides("+wrmsrns");
  auto table = m.for_vcpu(3);
  EXPECT_EQ(find(table, 1)->ebx >> 24, 3u);
  const kvm_cpuid_entry2* head = find(table, testbed::kCpuModelLeaf);
  ASSERT_NE(head, nullptr);
  EXPECT_EQ(head->eax, testbed::kCpuModelMagic);
  EXPECT_EQ(head->ebx, 0x80000000u);  // CPUID.1:ECX
  EXPECT_EQ(find(table, testbed::kCpuModelLeaf + 1)->ecx, 1u << 22);
  EXPECT_EQ(find(table, testbed::kCpuModelLeaf + 2)->eax, 1u << 19);
}

}  // namespace
}  // namespace altpv::vmm
