// SPDX-License-Identifier: MIT
// The MSR API under PV in an ordinary process: every site is patched to call
// its stub, the stubs reach a FakeMsrBank, and the results are what the
// native instructions would give. Re-patching without PV restores the
// original bytes (which are not executed here: WRMSR faults in ring 3).
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "abi/abi.h"
#include "altpv/hosted/process.h"
#include "altpv/msr.h"
#include "altpv/msr_backend.h"
#include "altpv/native_abi.h"
#include "altpv/op_ids.h"
#include "fake_msr_bank.h"

namespace {

using altpv::FeatureSet;
using altpv::kMsrFault;
namespace msr = altpv::msr;
namespace testbed = altpv::testbed;

constexpr std::uint32_t kUnknownMsr = 0x40000fff;

// Specialised stubs for two MSRs: they count their calls, then write the
// bank directly, so a test can tell they were called instead of the generic
// stub.
int g_pat_writes = 0;
int g_testbed2_reads = 0;
altpv::testing::FakeMsrBank* g_bank = nullptr;

extern "C" void test_write_pat(altpv::NativeRegs* r) {
  ++g_pat_writes;
  g_bank->write(0x277, static_cast<std::uint32_t>(r->rax) | (r->rdx << 32), false);
}

extern "C" void test_read_testbed2(altpv::NativeRegs* r) {
  ++g_testbed2_reads;
  std::uint64_t v = 0;
  g_bank->read(0x40000102, &v);
  r->rax = v;
  r->rdx = v >> 32 << 32;
}

extern "C" const char test_stub_write_pat[], test_stub_read_testbed2[];
ALTPV_NATIVE_STUB(test_stub_write_pat, test_write_pat);
ALTPV_NATIVE_STUB(test_stub_read_testbed2, test_read_testbed2);

const altpv::MsrBackend::Specialised kSpecialised[] = {
    {ALTPV_OP_WRMSR_NS, 0x277, test_stub_write_pat},
    {ALTPV_OP_RDMSR64, 0x40000102, test_stub_read_testbed2},
};

bool is_msr_op(std::uint16_t op) {
  return op >= ALTPV_OP_WRMSR && op <= ALTPV_OP_RDMSR64_SAFE;
}

class Collect final : public altpv::DecisionObserver {
 public:
  void on_decision(const altpv::Decision& d) override { decisions.push_back(d); }
  std::vector<altpv::Decision> decisions;
};

class MsrPvProcess : public ::testing::Test {
 protected:
  void SetUp() override {
    g_bank = &bank_;
    altpv::set_msr_handler(&bank_);
  }
  void TearDown() override {
    // Back to the originals, so no other test runs a stub.
    altpv::hosted::patch_process(altpv::detect_cpu_features(), &backend_);
    altpv::set_msr_handler(nullptr);
    g_bank = nullptr;
  }

  std::vector<altpv::Decision> patch(FeatureSet features) {
    Collect collect;
    const altpv::ApplyStats stats =
        altpv::hosted::patch_process(features, &backend_, &collect).stats;
    EXPECT_EQ(stats.refused, 0u);
    return collect.decisions;
  }

  FeatureSet pv() { return altpv::detect_cpu_features().set(altpv::Feature::Pv); }

  altpv::testing::FakeMsrBank bank_{0x277, 0x40000100, 0x40000101, 0x40000102, 0x40000103};
  altpv::MsrBackend backend_{kSpecialised};
};

TEST_F(MsrPvProcess, EveryMsrSiteBecomesACallUnderPv) {
  const auto decisions = patch(pv());
  int msr_sites = 0;
  for (const auto& d : decisions) {
    if (!is_msr_op(d.op)) continue;
    ++msr_sites;
    EXPECT_NE(d.chosen, altpv::kOriginal) << "site " << d.index;
    EXPECT_EQ(d.kind, altpv::AltKind::CallSkipRedZone);
  }
  EXPECT_GT(msr_sites, 10);
}

TEST_F(MsrPvProcess, WritesAndReadsRoundTripThroughTheStubs) {
  patch(pv());
  const std::uint64_t patterns[] = {
      0, 1, 0xffffffff, 0x100000000, 0xdeadbeefcafef00d, ~std::uint64_t{0}};
  for (std::uint64_t v : patterns) {
    altpv::wrmsr(0x40000100, v);
    EXPECT_EQ(altpv::rdmsr(0x40000100), v);
    altpv::wrmsr_ns(0x40000101, v);
    EXPECT_EQ(altpv::rdmsr(testbed::kMsr1), v);
    altpv::wrmsr(testbed::kMsr3, v);
    EXPECT_EQ(bank_.value(0x40000103), v);
    altpv::wrmsr_ns(testbed::kMsr0, ~v);
    EXPECT_EQ(altpv::rdmsr(0x40000100), ~v);
    altpv::wrmsr(0x40000101, static_cast<std::uint32_t>(v), static_cast<std::uint32_t>(v >> 32));
    EXPECT_EQ(bank_.value(0x40000101), v);
  }
}

TEST_F(MsrPvProcess, WritesKeepTheirKind) {
  patch(pv());
  altpv::wrmsr(testbed::kMsr0, 1);
  altpv::wrmsr_ns(testbed::kMsr0, 2);
  altpv::wrmsr(0x40000100, 3);
  altpv::wrmsr_ns(0x40000100, 4);
  ASSERT_EQ(bank_.log().size(), 4u);
  EXPECT_TRUE(bank_.log()[0].serialising);
  EXPECT_FALSE(bank_.log()[1].serialising);
  EXPECT_TRUE(bank_.log()[2].serialising);
  EXPECT_FALSE(bank_.log()[3].serialising);
}

TEST_F(MsrPvProcess, SafeVariantsReportRefusalsLikeTheNativeFixup) {
  patch(pv());
  std::uint64_t v = 123;
  EXPECT_EQ(altpv::wrmsr_safe(kUnknownMsr, 5), kMsrFault);
  EXPECT_EQ(altpv::wrmsr_ns_safe(kUnknownMsr, 5), kMsrFault);
  EXPECT_EQ(altpv::rdmsr_safe(kUnknownMsr, &v), kMsrFault);
  EXPECT_EQ(v, 0u);
  EXPECT_TRUE(bank_.log().empty());

  EXPECT_EQ(altpv::wrmsr_safe(0x40000100, 7), 0);
  EXPECT_EQ(altpv::wrmsr_ns_safe(testbed::kMsr1, 8), 0);
  EXPECT_EQ(altpv::wrmsr_safe(testbed::kMsr3, 9), 0);
  EXPECT_EQ(altpv::rdmsr_safe(0x40000100, &v), 0);
  EXPECT_EQ(v, 7u);
  EXPECT_EQ(altpv::rdmsr_safe(testbed::kMsr1, &v), 0);
  EXPECT_EQ(v, 8u);
  EXPECT_EQ(bank_.value(0x40000103), 9u);
}

TEST_F(MsrPvProcess, SpecialisedStubsAreCalledDirectly) {
  const auto decisions = patch(pv());
  g_pat_writes = 0;
  g_testbed2_reads = 0;
  altpv::wrmsr_ns(msr::kIa32Pat, 0x0007040600070406);
  bank_.write(0x40000102, 0x55, true);
  EXPECT_EQ(altpv::rdmsr(testbed::kMsr2), 0x55u);
  EXPECT_EQ(g_pat_writes, 1);
  EXPECT_EQ(g_testbed2_reads, 1);
  EXPECT_EQ(bank_.value(0x277), 0x0007040600070406u);
  // Other indices of the same ops still use the generic stubs.
  altpv::wrmsr_ns(testbed::kMsr0, 1);
  EXPECT_EQ(altpv::rdmsr(testbed::kMsr0), 1u);
  EXPECT_EQ(g_pat_writes, 1);
  EXPECT_EQ(g_testbed2_reads, 1);
}

TEST_F(MsrPvProcess, RepatchingWithoutPvRestoresTheOriginals) {
  patch(pv());
  const auto decisions = patch(altpv::detect_cpu_features().set(altpv::Feature::Wrmsrns, false));
  const altpv::SiteTable table = altpv::hosted::process_site_table();
  int restored = 0;
  for (const auto& d : decisions) {
    if (!is_msr_op(d.op)) continue;
    const altpv::SiteRecord& rec = table.sites_begin[d.index];
    EXPECT_EQ(d.chosen, altpv::kOriginal);
    EXPECT_EQ(std::memcmp(reinterpret_cast<const void*>(rec.site_address()),
                          reinterpret_cast<const void*>(rec.orig_address()), rec.len),
              0);
    ++restored;
  }
  EXPECT_GT(restored, 10);
}

}  // namespace
