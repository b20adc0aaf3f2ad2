// SPDX-License-Identifier: MIT
// CpuModel: --cpu overrides, personalities, the mirror leaves.
#include "cpu_model.h"

#include <gtest/gtest.h>

#include <cstring>

#include "abi/abi.h"

namespace altpv::vmm {
namespace {

kvm_cpuid_entry2 Entry(std::uint32_t function, std::uint32_t index, std::uint32_t eax = 0,
                       std::uint32_t ebx = 0, std::uint32_t ecx = 0, std::uint32_t edx = 0) {
  kvm_cpuid_entry2 e{};
  e.function = function;
  e.index = index;
  e.eax = eax, e.ebx = ebx, e.ecx = ecx, e.edx = edx;
  return e;
}

// Roughly this machine: SERIALIZE, RDPID, FSGSBASE; no WRMSRNS, no MSR_IMM.
CpuModel HostLike() {
  return CpuModel({Entry(0, 0, 0x1c), Entry(1, 0, 0, 0, 0x80000000),
                   Entry(7, 0, 1, 1, 1u << 22, 1u << 14), Entry(7, 1),
                   Entry(0x40000000, 0, 0x40000001, 0x4b4d564b)});
}

const kvm_cpuid_entry2* Find(const std::vector<kvm_cpuid_entry2>& t, std::uint32_t function,
                             std::uint32_t index = 0) {
  for (const auto& e : t) {
    if (e.function == function && e.index == index) return &e;
  }
  return nullptr;
}

TEST(CpuModel, OverridesSetAndClearNamedBits) {
  CpuModel m = HostLike();
  EXPECT_FALSE(m.Has(CpuFeature::Wrmsrns));
  EXPECT_TRUE(m.Has(CpuFeature::Rdpid));
  m.ApplyOverrides("+wrmsrns,+msr_imm,-rdpid,-serialize,-fsgsbase,-hypervisor");
  EXPECT_TRUE(m.Has(CpuFeature::Wrmsrns));
  EXPECT_TRUE(m.Has(CpuFeature::MsrImm));
  EXPECT_FALSE(m.Has(CpuFeature::Rdpid));
  EXPECT_FALSE(m.Has(CpuFeature::Serialize));
  EXPECT_FALSE(m.Has(CpuFeature::Fsgsbase));
  EXPECT_FALSE(m.Has(CpuFeature::Hypervisor));
  EXPECT_EQ(Find(m.entries(), 7, 1)->eax, 1u << 19);
  EXPECT_EQ(Find(m.entries(), 7, 1)->ecx, 1u << 5);
}

TEST(CpuModel, UnknownNamesAreAnErrorNamingThem) {
  CpuModel m = HostLike();
  try {
    m.ApplyOverrides("+wrmsrns,+avx9000,-frobnicate");
    FAIL() << "accepted unknown names";
  } catch (const CpuModelError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("+avx9000"), std::string::npos) << what;
    EXPECT_NE(what.find("-frobnicate"), std::string::npos) << what;
  }
  EXPECT_FALSE(m.Has(CpuFeature::Wrmsrns)) << "nothing applied on error";
}

TEST(CpuModel, AddsLeaf7Subleaf1WhenMissing) {
  CpuModel m({Entry(0, 0, 7), Entry(7, 0, 0)});
  m.ApplyOverrides("+msr_imm");
  EXPECT_TRUE(m.Has(CpuFeature::MsrImm));
  EXPECT_EQ(Find(m.entries(), 7, 0)->eax, 1u) << "max subleaf raised";
}

TEST(CpuModel, PersonalityPv) {
  CpuModel m = HostLike();
  m.ApplyPersonality(Personality::Pv);
  EXPECT_TRUE(m.Has(CpuFeature::Hypervisor));
  const kvm_cpuid_entry2* base = Find(m.entries(), testbed::kPvBaseLeaf);
  ASSERT_NE(base, nullptr);
  EXPECT_EQ(base->eax, testbed::kPvMaxLeaf);
  char sig[13] = {};
  std::memcpy(sig, &base->ebx, 4);
  std::memcpy(sig + 4, &base->ecx, 4);
  std::memcpy(sig + 8, &base->edx, 4);
  EXPECT_STREQ(sig, testbed::kPvSignature);
  EXPECT_EQ(Find(m.entries(), testbed::kPvBaseLeaf + 1)->eax, testbed::kPvMsrHypercalls);
}

TEST(CpuModel, PersonalityHvmAndNoneHaveNoPvLeaves) {
  for (Personality p : {Personality::Hvm, Personality::None}) {
    CpuModel m = HostLike();
    m.ApplyPersonality(p);
    EXPECT_EQ(Find(m.entries(), 0x40000000), nullptr) << "KVM's own leaves are dropped too";
    EXPECT_EQ(m.Has(CpuFeature::Hypervisor), p == Personality::Hvm);
  }
}

TEST(CpuModel, ForVcpuSetsApicIdAndPublishesMirror) {
  CpuModel m = HostLike();
  m.ApplyOverrides("+wrmsrns");
  auto table = m.ForVcpu(3);
  EXPECT_EQ(Find(table, 1)->ebx >> 24, 3u);
  const kvm_cpuid_entry2* head = Find(table, testbed::kCpuModelLeaf);
  ASSERT_NE(head, nullptr);
  EXPECT_EQ(head->eax, testbed::kCpuModelMagic);
  EXPECT_EQ(head->ebx, 0x80000000u);  // CPUID.1:ECX
  EXPECT_EQ(Find(table, testbed::kCpuModelLeaf + 1)->ecx, 1u << 22);
  EXPECT_EQ(Find(table, testbed::kCpuModelLeaf + 2)->eax, 1u << 19);
}

}  // namespace
}  // namespace altpv::vmm
