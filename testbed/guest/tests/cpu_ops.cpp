// SPDX-License-Identifier: MIT
// cpu.ops: the two non-MSR ops of include/altpv/cpu_ops.h, as patched for
// this CPU. serialize() returns (SERIALIZE, or CPUID). cpu_number() returns
// the CPU number the kernel published in IA32_TSC_AUX, through RDPID or
// RDTSCP; the third form, LSL on Linux's per-CPU GDT entry, needs an entry
// this guest's GDT does not have, so without either instruction the value
// is not compared (the line says so).
#include "altpv/cpu_ops.h"
#include "altpv/msr.h"
#include "boot_patching.h"
#include "console.h"
#include "expect.h"
#include "test_registry.h"

namespace altpv::guest {
namespace {

void cpu_ops() {
  altpv::serialize();
  const altpv::FeatureSet f = boot_patching().features;
  // Without either instruction the CPU need not have IA32_TSC_AUX either
  // (KVM refuses it then).
  if (!f.has(altpv::Feature::Rdpid) && !f.has(altpv::Feature::Rdtscp)) {
    Line().out().str("cpu.ops: no RDPID or RDTSCP: cpu_number() is the LSL form, not compared");
    return;
  }
  // node 3, CPU 5, as Linux writes it: cpu_number() keeps the low 12 bits.
  constexpr std::uint64_t kAux = (3u << 12) | 5;
  altpv::wrmsr(altpv::msr::kIa32TscAux, kAux);
  EXPECT_EQ(altpv::cpu_number(), 5u);
  altpv::wrmsr(altpv::msr::kIa32TscAux, 7);
  EXPECT_EQ(altpv::cpu_number(), 7u);
}

GUEST_TEST("cpu.ops", cpu_ops);

}  // namespace
}  // namespace altpv::guest
