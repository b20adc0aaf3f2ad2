// SPDX-License-Identifier: MIT
// msr.native_values: every public function of altpv/msr.h, in every form
// (variable and constant index; wrmsr, the lo/hi wrmsr, wrmsr_ns, rdmsr;
// plain and _safe), moves exactly the value it is given, on every
// architectural MSR msr.h names. The oracle is a plain RDMSR/WRMSR that is
// no altpv site, so patching never changes it:
//   - each write form writes a value the MSR does not hold yet, with both
//     halves set where the MSR has a high half, and the plain RDMSR must
//     read it back;
//   - each read form must return what a plain WRMSR wrote;
//   - each _safe write must refuse a value the MSR rejects (#GP) and leave
//     the MSR as it was.
// KERNEL_GS_BASE is also read the way the CPU uses it: SWAPGS, then GS_BASE.
// Meant for the native path (hvm personality): ctest runs it under each CPU
// model, so the sites hold WRMSR, WRMSRNS and the immediate forms in turn.
#include "altpv/msr.h"
#include "boot_patching.h"
#include "console.h"
#include "expect.h"
#include "register_check.h"
#include "test_registry.h"

namespace altpv::guest {
namespace {

constexpr std::uint32_t kGsBase = 0xc0000101;

std::uint64_t plain_rdmsr(std::uint32_t msr) {
  std::uint32_t lo, hi;
  asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
  return lo | std::uint64_t{hi} << 32;
}

void plain_wrmsr(std::uint32_t msr, std::uint64_t value) {
  asm volatile("wrmsr"
               :
               : "c"(msr), "a"(static_cast<std::uint32_t>(value)),
                 "d"(static_cast<std::uint32_t>(value >> 32))
               : "memory");
}

// KERNEL_GS_BASE as SWAPGS sees it. Interrupts are off in the guest, so
// nothing runs between the two SWAPGS.
std::uint64_t kernel_gs_base_via_swapgs() {
  asm volatile("swapgs" ::: "memory");
  const std::uint64_t value = plain_rdmsr(kGsBase);
  asm volatile("swapgs" ::: "memory");
  return value;
}

// A value the MSR accepts, made from random bits; both halves are nonzero
// where the MSR allows a high half.
std::uint64_t pat_value(std::uint64_t random) {
  constexpr std::uint8_t kTypes[] = {1, 4, 5, 6, 7, 0};  // valid memory types, 0 last
  std::uint64_t v = 0;
  for (unsigned b = 0; b < 8; ++b) {
    // Bytes 0 and 4 never UC (0), so neither half is zero.
    const unsigned choices = b % 4 == 0 ? 5 : 6;
    v |= std::uint64_t{kTypes[(random >> (8 * b)) % choices]} << (8 * b);
  }
  return v;
}

std::uint64_t kernel_gs_base_value(std::uint64_t random) {
  constexpr std::uint64_t kLow47 = (std::uint64_t{1} << 47) - 1;
  const std::uint64_t v = (random & kLow47) | 0x100001000;  // both halves nonzero
  return random >> 63 ? v | ~kLow47 : v;                    // canonical: bits 63:47 equal
}

std::uint64_t tsc_aux_value(std::uint64_t random) {
  return (random & 0xffffffff) | 1;  // bits 63:32 are reserved
}

struct MsrUnderTest {
  const char* name;
  std::uint32_t index;
  std::uint64_t (*valid)(std::uint64_t random);
  std::uint64_t rejected;  // a value the MSR refuses with #GP
  Requires refusal;        // what it takes for the CPU to refuse it (platform.h)
};

class FormChecker {
 public:
  explicit FormChecker(const MsrUnderTest& msr) : msr_(msr) {}

  // `write(v)` returns the _safe status, or 0 for the plain forms.
  template <typename Write>
  void write(const char* form, Write write) {
    const std::uint64_t v = fresh_value();
    check(form, "status", write(v), 0);
    check(form, "plain rdmsr after it", plain_rdmsr(msr_.index), v);
  }

  template <typename Write>
  void write_refused(const char* form, Write write) {
    if (!missing(msr_.refusal).empty()) return;  // said once, by check_msr
    const std::uint64_t before = plain_rdmsr(msr_.index);
    check(form, "status for a rejected value", write(msr_.rejected), altpv::kMsrFault);
    check(form, "plain rdmsr after the refused write", plain_rdmsr(msr_.index), before);
  }

  // `read(&status)` returns the value read.
  template <typename Read>
  void read(const char* form, Read read) {
    const std::uint64_t v = fresh_value();
    plain_wrmsr(msr_.index, v);
    int status = -1;
    check(form, "value after a plain wrmsr", read(&status), v);
    check(form, "status", status, 0);
  }

  std::uint64_t fresh_value() {
    const std::uint64_t held = plain_rdmsr(msr_.index);
    std::uint64_t v;
    do {
      v = msr_.valid(rng_());
    } while (v == held);
    return v;
  }

  template <typename T>
  void check(const char* form, const char* what, T got, T want) {
    if (got == want) return;
    char buf[256];
    altpv::TextBuffer msg(buf, sizeof buf);
    msg.str(msr_.name).str(": ").str(form).str(": ").str(what).str(" is ");
    format_value(msg, got);
    msg.str(", expected ");
    format_value(msg, want);
    record_failure(msg.view());
  }

 private:
  const MsrUnderTest& msr_;
  altpv::testing::XorShift64 rng_{0x5851f42d4c957f2d};
};

// Every form on Msr<I>; the variable-index forms get I as a run-time index.
template <std::uint32_t I>
void check_every_form(const MsrUnderTest& msr) {
  constexpr altpv::Msr<I> kMsr{};
  const std::uint32_t index = msr.index;
  const auto lo = [](std::uint64_t v) { return static_cast<std::uint32_t>(v); };
  const auto hi = [](std::uint64_t v) { return static_cast<std::uint32_t>(v >> 32); };
  FormChecker c(msr);

  c.write("wrmsr(index, v)", [&](std::uint64_t v) {
    altpv::wrmsr(index, v);
    return 0;
  });
  c.write("wrmsr(index, lo, hi)", [&](std::uint64_t v) {
    altpv::wrmsr(index, lo(v), hi(v));
    return 0;
  });
  c.write("wrmsr_ns(index, v)", [&](std::uint64_t v) {
    altpv::wrmsr_ns(index, v);
    return 0;
  });
  c.write("wrmsr_safe(index, v)", [&](std::uint64_t v) { return altpv::wrmsr_safe(index, v); });
  c.write("wrmsr_ns_safe(index, v)",
          [&](std::uint64_t v) { return altpv::wrmsr_ns_safe(index, v); });
  c.write("wrmsr(Msr, v)", [&](std::uint64_t v) {
    altpv::wrmsr(kMsr, v);
    return 0;
  });
  c.write("wrmsr_ns(Msr, v)", [&](std::uint64_t v) {
    altpv::wrmsr_ns(kMsr, v);
    return 0;
  });
  c.write("wrmsr_safe(Msr, v)", [&](std::uint64_t v) { return altpv::wrmsr_safe(kMsr, v); });
  c.write("wrmsr_ns_safe(Msr, v)", [&](std::uint64_t v) { return altpv::wrmsr_ns_safe(kMsr, v); });

  c.write_refused("wrmsr_safe(index, v)",
                  [&](std::uint64_t v) { return altpv::wrmsr_safe(index, v); });
  c.write_refused("wrmsr_ns_safe(index, v)",
                  [&](std::uint64_t v) { return altpv::wrmsr_ns_safe(index, v); });
  c.write_refused("wrmsr_safe(Msr, v)",
                  [&](std::uint64_t v) { return altpv::wrmsr_safe(kMsr, v); });
  c.write_refused("wrmsr_ns_safe(Msr, v)",
                  [&](std::uint64_t v) { return altpv::wrmsr_ns_safe(kMsr, v); });

  c.read("rdmsr(index)", [&](int* status) {
    *status = 0;
    return altpv::rdmsr(index);
  });
  c.read("rdmsr_safe(index, &v)", [&](int* status) {
    std::uint64_t v = 0;
    *status = altpv::rdmsr_safe(index, &v);
    return v;
  });
  c.read("rdmsr(Msr)", [&](int* status) {
    *status = 0;
    return altpv::rdmsr(kMsr);
  });
  c.read("rdmsr_safe(Msr, &v)", [&](int* status) {
    std::uint64_t v = 0;
    *status = altpv::rdmsr_safe(kMsr, &v);
    return v;
  });
}

template <std::uint32_t I>
void check_msr(altpv::Msr<I>, const char* name, std::uint64_t (*valid)(std::uint64_t),
               std::uint64_t rejected, Requires refusal = Requires::MsrFaults) {
  const MsrUnderTest msr{name, I, valid, rejected, refusal};
  if (const std::string_view why = missing(refusal); !why.empty()) {
    Line()
        .out()
        .str("msr.native_values: ")
        .str(name)
        .str(": rejected value not checked: ")
        .str(why);
  }
  const std::uint64_t original = plain_rdmsr(I);
  check_every_form<I>(msr);
  plain_wrmsr(I, original);
}

void msr_native_values() {
  namespace msr = altpv::msr;
  check_msr(msr::kIa32Pat, "IA32_PAT", pat_value, 0x0202020202020202,  // type 2 is reserved
            Requires::ReservedPatFaults);
  check_msr(msr::kIa32KernelGsBase, "IA32_KERNEL_GS_BASE", kernel_gs_base_value,
            0x8000000000000000);  // not canonical
  // IA32_TSC_AUX exists where CPUID enumerates RDTSCP or RDPID (KVM refuses
  // it otherwise); altpv-vmm emulates it under every CPU model.
  const altpv::FeatureSet f = boot_patching().features;
  if (f.has(altpv::Feature::Rdtscp) || f.has(altpv::Feature::Rdpid) ||
      missing(Requires::Testbed).empty()) {
    check_msr(msr::kIa32TscAux, "IA32_TSC_AUX", tsc_aux_value, std::uint64_t{1} << 32);
  } else {
    Line().out().str("msr.native_values: no RDTSCP or RDPID, so no IA32_TSC_AUX: not checked");
  }

  // The CPU's own use of KERNEL_GS_BASE sees what the API wrote.
  const std::uint64_t original = plain_rdmsr(msr::kIa32KernelGsBase.index);
  const std::uint64_t v = kernel_gs_base_value(0xfedcba9876543210);
  altpv::wrmsr_ns(msr::kIa32KernelGsBase, v);
  EXPECT_EQ(kernel_gs_base_via_swapgs(), v);
  plain_wrmsr(msr::kIa32KernelGsBase.index, original);
}

GUEST_TEST("msr.native_values", msr_native_values);

}  // namespace
}  // namespace altpv::guest
