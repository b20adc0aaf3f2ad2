// SPDX-License-Identifier: MIT
// MsrBank: which MSRs it serves, the architectural #GP checks, storage.
#include "msr_bank.h"

#include <gtest/gtest.h>

#include "fake_arch_msrs.h"

namespace altpv::vmm {
namespace {

TEST(MsrBank, EmulatesTheDocumentedSet) {
  for (std::uint32_t msr = 0x40000100; msr <= 0x40000107; ++msr)
    EXPECT_TRUE(MsrBank::emulates(msr));
  EXPECT_FALSE(MsrBank::emulates(0x400000ff));
  EXPECT_FALSE(MsrBank::emulates(0x40000108));
  EXPECT_TRUE(MsrBank::emulates(kMsrPat));
  EXPECT_TRUE(MsrBank::emulates(kMsrKernelGsBase));
  EXPECT_TRUE(MsrBank::emulates(kMsrTscAux));
  EXPECT_FALSE(MsrBank::emulates(0x10));  // TSC: KVM's
  EXPECT_EQ(MsrBank::indices().size(), 11u);
}

TEST(MsrBank, SyntheticMsrsStoreAnyValue) {
  MsrBank bank{MsrLog()};
  FakeArchMsrs arch;
  EXPECT_TRUE(bank.write(0, 0x40000103, ~0ULL, arch, MsrPath::Trap));
  EXPECT_EQ(bank.read(1, 0x40000103, arch, MsrPath::Hypercall), ~0ULL);
  EXPECT_EQ(bank.read(0, 0x40000104, arch, MsrPath::Trap), 0u);
  EXPECT_TRUE(arch.values.empty());
}

TEST(MsrBank, UnknownMsrFails) {
  MsrBank bank{MsrLog()};
  FakeArchMsrs arch;
  EXPECT_FALSE(bank.write(0, 0x12345678, 1, arch, MsrPath::Trap));
  EXPECT_FALSE(bank.read(0, 0x12345678, arch, MsrPath::Trap).has_value());
}

TEST(MsrBank, PatRejectsReservedMemoryTypes) {
  EXPECT_TRUE(MsrBank::valid_value(kMsrPat, 0x0007040600070406));
  EXPECT_TRUE(MsrBank::valid_value(kMsrPat, 0x0001050400070106));
  EXPECT_FALSE(MsrBank::valid_value(kMsrPat, 0x0007040600070402));  // type 2
  EXPECT_FALSE(MsrBank::valid_value(kMsrPat, 0x0307040600070406));  // type 3, top entry
  EXPECT_FALSE(MsrBank::valid_value(kMsrPat, 0x0007040600080406));  // type 8
}

TEST(MsrBank, KernelGsBaseMustBeCanonical) {
  EXPECT_TRUE(MsrBank::valid_value(kMsrKernelGsBase, 0x00007fffffffffff));
  EXPECT_TRUE(MsrBank::valid_value(kMsrKernelGsBase, 0xffff800000000000));
  EXPECT_FALSE(MsrBank::valid_value(kMsrKernelGsBase, 0x0000800000000000));
  EXPECT_FALSE(MsrBank::valid_value(kMsrKernelGsBase, 0xfff0000000000000));
}

TEST(MsrBank, TscAuxUpperHalfMustBeZero) {
  EXPECT_TRUE(MsrBank::valid_value(kMsrTscAux, 0xffffffff));
  EXPECT_FALSE(MsrBank::valid_value(kMsrTscAux, 0x100000000));
}

TEST(MsrBank, ArchitecturalMsrsWriteThroughToTheVcpu) {
  MsrBank bank{MsrLog()};
  FakeArchMsrs arch;
  EXPECT_TRUE(bank.write(0, kMsrTscAux, 7, arch, MsrPath::Trap));
  EXPECT_EQ(arch.values[kMsrTscAux], 7u);
  EXPECT_FALSE(bank.write(0, kMsrTscAux, 1ULL << 32, arch, MsrPath::Trap));
  EXPECT_EQ(arch.values[kMsrTscAux], 7u);
  arch.values[kMsrKernelGsBase] = 0x1000;  // e.g. after SWAPGS
  EXPECT_EQ(bank.read(0, kMsrKernelGsBase, arch, MsrPath::Trap), 0x1000u);
}

}  // namespace
}  // namespace altpv::vmm
