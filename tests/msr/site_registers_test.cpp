// SPDX-License-Identifier: MIT
// Register preservation through every MSR site as patched under PV in a
// process: all registers random before the site, and after it only the
// site's declared outputs and clobbers may differ. The same for the code a
// backend may put there instead of a call with the site's setup (a bare
// call, inline bytes), and a broken stub of each kind the check must catch.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <string_view>

#include "altpv/hosted/process.h"
#include "altpv/msr.h"
#include "altpv/msr_backend.h"
#include "fake_msr_bank.h"
#include "register_check.h"
#include "site_register_harness.h"

namespace {

using altpv::NativeRegs;
using altpv::testing::Reg;

constexpr std::uint32_t kKnownMsr = 0x40000100;
NativeRegs* g_frame = nullptr;

struct SiteCase {
  const char* name;
  void (*run)();
  unsigned outputs;  // declared outputs and clobbers, a bit per Reg
  bool takes_index;  // variable-index site: rcx is the MSR index
};

#define SITE_RUNNER(site) \
  [] { ALTPV_RUN_SITE_WITH_REGS(g_frame, site, [msr] "i"(kKnownMsr), [err] "i"(altpv::kMsrFault)); }

constexpr unsigned bits(std::initializer_list<Reg> regs) {
  unsigned b = 0;
  for (Reg r : regs) b |= altpv::testing::reg_bit(r);
  return b;
}

const SiteCase kSites[] = {
    {"wrmsr", SITE_RUNNER(ALTPV_MSR_WRMSR_SITE), 0, true},
    {"wrmsr_ns", SITE_RUNNER(ALTPV_MSR_WRMSR_NS_SITE), 0, true},
    {"rdmsr", SITE_RUNNER(ALTPV_MSR_RDMSR_SITE), bits({Reg::Rax, Reg::Rdx}), true},
    {"wrmsr_safe", SITE_RUNNER(ALTPV_MSR_WRMSR_SAFE_SITE), bits({Reg::Rax}), true},
    {"wrmsr_ns_safe", SITE_RUNNER(ALTPV_MSR_WRMSR_NS_SAFE_SITE), bits({Reg::Rax}), true},
    {"rdmsr_safe", SITE_RUNNER(ALTPV_MSR_RDMSR_SAFE_SITE), bits({Reg::Rax, Reg::Rcx, Reg::Rdx}),
     true},
    {"wrmsr_const", SITE_RUNNER(ALTPV_MSR_WRMSR_CONST_SITE), bits({Reg::Rcx, Reg::Rdx}), false},
    {"wrmsr_ns_const", SITE_RUNNER(ALTPV_MSR_WRMSR_NS_CONST_SITE), bits({Reg::Rcx, Reg::Rdx}),
     false},
    {"rdmsr_const", SITE_RUNNER(ALTPV_MSR_RDMSR_CONST_SITE), bits({Reg::Rax, Reg::Rcx, Reg::Rdx}),
     false},
    {"wrmsr_safe_const", SITE_RUNNER(ALTPV_MSR_WRMSR_SAFE_CONST_SITE),
     bits({Reg::Rax, Reg::Rcx, Reg::Rdx}), false},
    {"wrmsr_ns_safe_const", SITE_RUNNER(ALTPV_MSR_WRMSR_NS_SAFE_CONST_SITE),
     bits({Reg::Rax, Reg::Rcx, Reg::Rdx}), false},
    {"rdmsr_safe_const", SITE_RUNNER(ALTPV_MSR_RDMSR_SAFE_CONST_SITE),
     bits({Reg::Rax, Reg::Rcx, Reg::Rdx}), false},
};

class SiteRegisters : public ::testing::TestWithParam<SiteCase> {
 protected:
  static void SetUpTestSuite() {
    altpv::set_msr_handler(&bank_);
    const auto pv = altpv::detect_cpu_features().set(altpv::Feature::Pv);
    ASSERT_EQ(altpv::hosted::patch_process(pv, &backend_).stats.refused, 0u);
  }
  static void TearDownTestSuite() {
    altpv::hosted::patch_process(altpv::detect_cpu_features(), &backend_);
    altpv::set_msr_handler(nullptr);
  }
  static inline altpv::testing::FakeMsrBank bank_{kKnownMsr};
  static inline altpv::MsrBackend backend_;
};

TEST_P(SiteRegisters, OnlyDeclaredOutputsChangeUnderPv) {
  const SiteCase c = GetParam();
  altpv::testing::XorShift64 rng{0xa17};
  for (int round = 0; round < 100; ++round) {
    NativeRegs before = altpv::testing::random_regs(rng);
    if (c.takes_index) before.rcx = kKnownMsr;
    NativeRegs after = before;
    g_frame = &after;
    c.run();
    EXPECT_STREQ(altpv::testing::changed_registers(before, after, c.outputs).text, "")
        << c.name << " round " << round;
  }
}

INSTANTIATE_TEST_SUITE_P(MsrSites, SiteRegisters, ::testing::ValuesIn(kSites),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace

// A backend whose only stub corrupts r9: the same check must see it.
extern "C" void corrupt_r9(altpv::NativeRegs* r) {
  r->r9 = ~r->r9;
}
extern "C" const char corrupting_stub[];
ALTPV_NATIVE_STUB(corrupting_stub, corrupt_r9);

namespace {

class CorruptingBackend final : public altpv::Backend {
 public:
  const void* stub(std::uint16_t, std::uint32_t, bool, altpv::AltKind) const override {
    return corrupting_stub;
  }
  const char* name() const override { return "corrupting"; }
};

TEST(SiteRegisterCheck, CatchesAStubThatCorruptsARegister) {
  CorruptingBackend broken;
  const auto pv = altpv::detect_cpu_features().set(altpv::Feature::Pv);
  ASSERT_EQ(altpv::hosted::patch_process(pv, &broken).stats.refused, 0u);
  altpv::testing::XorShift64 rng{7};
  NativeRegs before = altpv::testing::random_regs(rng);
  NativeRegs after = before;
  g_frame = &after;
  kSites[0].run();
  altpv::hosted::patch_process(altpv::detect_cpu_features(), &broken);
  EXPECT_STREQ(altpv::testing::changed_registers(before, after, kSites[0].outputs).text, "r9 ");
}

}  // namespace

// Backend-supplied code at site level: a bare call to a hand-written stub
// for one MSR, NOPs for a dropped write, `xor %eax,%eax` for a dropped _safe
// write. The same random-register check, and the stub's effect.
std::uint64_t g_bare_written = 0;

// Keeps the constant-index WRMSR_NS ABI with rax as its only input; the
// broken twin also loses r8.
extern "C" const char bare_write_stub[], bare_write_stub_broken[];
asm(".pushsection .text\n"
    "bare_write_stub:\n mov %rax, g_bare_written(%rip)\n ret $128\n"
    "bare_write_stub_broken:\n mov %rax, g_bare_written(%rip)\n xor %r8d, %r8d\n ret $128\n"
    ".popsection\n");

namespace {

class FormsBackend final : public altpv::Backend {
 public:
  explicit FormsBackend(const void* bare) : bare_(bare) {}
  altpv::SiteCode code(const altpv::CallSite& site) const override {
    if (site.kind != altpv::AltKind::CallSkipRedZone || !site.has_constant) {
      return altpv::SiteCode::none();
    }
    static constexpr std::uint8_t kXorEax[] = {0x31, 0xc0};
    switch (site.op) {
      case ALTPV_OP_WRMSR_NS:
        return altpv::SiteCode::bare_call(bare_);
      case ALTPV_OP_WRMSR:
        return altpv::SiteCode::nops();
      case ALTPV_OP_WRMSR_NS_SAFE:
        return altpv::SiteCode::inline_bytes(kXorEax, sizeof kXorEax);
      default:
        return altpv::SiteCode::none();
    }
  }
  const char* name() const override { return "forms"; }

 private:
  const void* bare_;
};

// Patches with `backend` under PV for the test's lifetime, then back.
class PatchedWith {
 public:
  explicit PatchedWith(const altpv::Backend& backend) : backend_(backend) {
    const auto pv = altpv::detect_cpu_features().set(altpv::Feature::Pv);
    stats_ = altpv::hosted::patch_process(pv, &backend_).stats;
  }
  ~PatchedWith() { altpv::hosted::patch_process(altpv::detect_cpu_features(), &backend_); }
  const altpv::ApplyStats& stats() const { return stats_; }

 private:
  const altpv::Backend& backend_;
  altpv::ApplyStats stats_;
};

const SiteCase& site_named(const char* name) {
  for (const SiteCase& c : kSites) {
    if (std::string_view(c.name) == name) return c;
  }
  throw std::logic_error(name);
}

std::string run_with_random_regs(const SiteCase& c, std::uint64_t seed, NativeRegs* out) {
  altpv::testing::XorShift64 rng{seed};
  NativeRegs before = altpv::testing::random_regs(rng);
  NativeRegs after = before;
  g_frame = &after;
  c.run();
  if (out != nullptr) *out = after;
  return altpv::testing::changed_registers(before, after, c.outputs).text;
}

TEST(SiteRegisterForms, BareCallsAndInlineBytesKeepTheSiteAbi) {
  FormsBackend backend(bare_write_stub);
  const PatchedWith patched(backend);
  ASSERT_EQ(patched.stats().refused, 0u);
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    NativeRegs after;
    g_bare_written = 0;
    EXPECT_EQ(run_with_random_regs(site_named("wrmsr_ns_const"), seed, &after), "");
    EXPECT_EQ(g_bare_written, after.rax);  // the stub got the value, without the setup
    EXPECT_EQ(run_with_random_regs(site_named("wrmsr_const"), seed, nullptr), "");
    EXPECT_EQ(run_with_random_regs(site_named("wrmsr_ns_safe_const"), seed, &after), "");
    EXPECT_EQ(after.rax, 0u);  // a dropped _safe write reports success
  }
}

TEST(SiteRegisterForms, CatchesABrokenBareStub) {
  FormsBackend backend(bare_write_stub_broken);
  const PatchedWith patched(backend);
  ASSERT_EQ(patched.stats().refused, 0u);
  EXPECT_EQ(run_with_random_regs(site_named("wrmsr_ns_const"), 3, nullptr), "r8 ");
}

}  // namespace
