// SPDX-License-Identifier: MIT
// figures.msr: what each strategy costs per op in this boot's configuration,
// counted, never timed (under nested KVM every guest instruction may be
// emulated in software, so times would describe the host). For each
// strategy a reference function performs one op; the VMM single-steps it
// between two markers and counts instructions and VM exits. The call into
// the reference function and its return are measured once on an empty
// function and subtracted. One `figure` record per strategy and op
// (docs/testbed.md). Bytes at the call site come from the ELF (symbol sizes
// of the figure_* functions, minus their ret); the host reads them there.
#include "abi/abi.h"
#include "altpv/msr.h"
#include "boot_patching.h"
#include "console.h"
#include "expect.h"
#include "hypercall.h"
#include "test_registry.h"

namespace {

using altpv::testbed::Counters;
using altpv::testbed::Hypercall;

constexpr std::uint32_t kMsr = 0x40000100;

// Linux PARAVIRT_XXL's shape: C-ABI functions behind a table of pointers.
// The native ones do the instruction; the PV ones make the hypercall.
extern "C" [[gnu::noinline]] void native_write_msr(std::uint32_t msr, std::uint32_t lo,
                                                   std::uint32_t hi) {
  asm volatile("wrmsr" : : "c"(msr), "a"(lo), "d"(hi) : "memory");
}
extern "C" [[gnu::noinline]] std::uint64_t native_read_msr(std::uint32_t msr) {
  std::uint32_t lo, hi;
  asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
  return lo | std::uint64_t{hi} << 32;
}
extern "C" [[gnu::noinline]] void hypercall_write_msr(std::uint32_t msr, std::uint32_t lo,
                                                      std::uint32_t hi) {
  altpv::guest::hypercall(Hypercall::MsrWrite, msr, lo | std::uint64_t{hi} << 32);
}
extern "C" [[gnu::noinline]] std::uint64_t hypercall_read_msr(std::uint32_t msr) {
  return altpv::guest::hypercall(Hypercall::MsrRead, msr).value;
}

struct PvCpuOps {
  void (*write_msr)(std::uint32_t msr, std::uint32_t lo, std::uint32_t hi);
  std::uint64_t (*read_msr)(std::uint32_t msr);
};
constinit PvCpuOps pv_ops = {native_write_msr, native_read_msr};

}  // namespace

// The reference functions: one op each, no other work.
extern "C" {
[[gnu::noinline]] void figure_empty(std::uint64_t) {
  asm volatile("");
}
[[gnu::noinline]] void figure_altpv_wrmsr_ns_const(std::uint64_t v) {
  altpv::wrmsr_ns(altpv::testbed::kMsr0, v);
}
[[gnu::noinline]] void figure_pvops_indirect_wrmsr_ns_const(std::uint64_t v) {
  pv_ops.write_msr(kMsr, static_cast<std::uint32_t>(v), static_cast<std::uint32_t>(v >> 32));
}
// Linux 6.8+ patches the indirect call into a direct one; which target
// depends on the personality, so there is one function per target.
[[gnu::noinline]] void figure_pvops_direct_native_wrmsr_ns_const(std::uint64_t v) {
  native_write_msr(kMsr, static_cast<std::uint32_t>(v), static_cast<std::uint32_t>(v >> 32));
}
[[gnu::noinline]] void figure_pvops_direct_pv_wrmsr_ns_const(std::uint64_t v) {
  hypercall_write_msr(kMsr, static_cast<std::uint32_t>(v), static_cast<std::uint32_t>(v >> 32));
}
[[gnu::noinline]] void figure_altpv_rdmsr_var(std::uint64_t msr) {
  asm volatile("" : : "r"(altpv::rdmsr(static_cast<std::uint32_t>(msr))));
}
[[gnu::noinline]] void figure_pvops_indirect_rdmsr_var(std::uint64_t msr) {
  asm volatile("" : : "r"(pv_ops.read_msr(static_cast<std::uint32_t>(msr))));
}
[[gnu::noinline]] void figure_pvops_direct_native_rdmsr_var(std::uint64_t msr) {
  asm volatile("" : : "r"(native_read_msr(static_cast<std::uint32_t>(msr))));
}
[[gnu::noinline]] void figure_pvops_direct_pv_rdmsr_var(std::uint64_t msr) {
  asm volatile("" : : "r"(hypercall_read_msr(static_cast<std::uint32_t>(msr))));
}
}

namespace altpv::guest {
namespace {

// noinline: every figure then runs the very same marker code around its
// call, so subtracting the empty function's count is exact.
[[gnu::noinline]] Counters measure(void (*fn)(std::uint64_t), std::uint64_t arg) {
  Counters c{};
  hypercall(Hypercall::MarkerBegin);
  fn(arg);
  hypercall(Hypercall::MarkerEnd, reinterpret_cast<std::uintptr_t>(&c));
  return c;
}

struct Figure {
  const char* strategy;
  const char* op;
  void (*fn)(std::uint64_t);
  std::uint64_t arg;
};

void figures_msr() {
  const bool pv = boot_patching().features.has(altpv::Feature::Pv);
  if (pv) pv_ops = {hypercall_write_msr, hypercall_read_msr};
  const Figure figures[] = {
      {"altpv", "wrmsr_ns_const", figure_altpv_wrmsr_ns_const, 0x1234},
      {"pvops_indirect", "wrmsr_ns_const", figure_pvops_indirect_wrmsr_ns_const, 0x1234},
      {"pvops_direct", "wrmsr_ns_const",
       pv ? figure_pvops_direct_pv_wrmsr_ns_const : figure_pvops_direct_native_wrmsr_ns_const,
       0x1234},
      {"altpv", "rdmsr_var", figure_altpv_rdmsr_var, kMsr},
      {"pvops_indirect", "rdmsr_var", figure_pvops_indirect_rdmsr_var, kMsr},
      {"pvops_direct", "rdmsr_var",
       pv ? figure_pvops_direct_pv_rdmsr_var : figure_pvops_direct_native_rdmsr_var, kMsr},
  };
  const Counters empty = measure(figure_empty, 0);
  // Without counting there is nothing to measure. A bare run skips; ctest
  // passes --count-insns and --require-pass, under which a skip fails.
  if (empty.instructions == 0) {
    skip_test("instruction counting is off: run altpv-vmm with --count-insns");
    return;
  }
  for (const Figure& f : figures) {
    const Counters c = measure(f.fn, f.arg);
    EXPECT_TRUE(c.instructions > empty.instructions);
    JsonLine("figure")
        .out()
        .str("strategy", f.strategy)
        .str("op", f.op)
        .num("insns", c.instructions - empty.instructions)
        .num("exits", c.exits - empty.exits);
  }
  pv_ops = {native_write_msr, native_read_msr};
}

GUEST_TEST("figures.msr", figures_msr);

}  // namespace
}  // namespace altpv::guest
