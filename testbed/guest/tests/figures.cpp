// SPDX-License-Identifier: MIT
// figures.msr: what each strategy costs per op in this boot's configuration,
// counted (never timed: every guest instruction is emulated here). For each
// strategy a reference function performs one op; the VMM single-steps it
// between two markers and counts instructions and VM exits. The call into
// the reference function and its return are measured once on an empty
// function and subtracted. One `figure` record per strategy and op
// (docs/testbed.md).
// Strategies: altpv (an MSR the PV backend serves through its generic stub
// and C++ handler), altpv_stub (an MSR it serves with a hand-written stub),
// altpv_lean (the generic path before preserving stubs, for comparison),
// pvops_indirect and pvops_direct (Linux's shapes). Natively both altpv
// strategies are the instruction. The op context_switch is a whole function
// that keeps eight values live across three MSR writes, spills included.
// Bytes at the call site come from the ELF (symbol sizes of the figure_*
// functions, minus their ret); the host tools read them there.
#include "abi/abi.h"
#include "altpv/msr.h"
#include "boot_patching.h"
#include "console.h"
#include "expect.h"
#include "figure_counting.h"
#include "hypercall.h"
#include "pv_msr_calls.h"
#include "test_registry.h"

namespace {

using altpv::testbed::Counters;
using altpv::testbed::Hypercall;

constexpr std::uint32_t kMsr = 0x40000100;
// The MSRs of the altpv_stub figures: the PV backend has hand-written stubs
// for them (pv_msr_stubs.cpp).
constexpr auto kStubWriteMsr = altpv::testbed::kMsr1;
constexpr auto kStubReadMsr = altpv::testbed::kMsr2;

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

// The generic path as it was before preserving stubs, for the altpv_lean
// figures: lean stubs (msr_backend.h), which save every caller-saved
// register the op keeps, around the same hypercalls in ordinary C-ABI
// handlers.
extern "C" void figure_lean_write(std::uint32_t msr, std::uint64_t value) noexcept {
  if (altpv::guest::hypercall_write(msr, value) != altpv::MsrAccess::Done) {
    guest_pv_replay_wrmsr(msr, value);
  }
}
extern "C" altpv::MsrHalves figure_lean_read64(std::uint32_t msr) noexcept {
  std::uint64_t value = 0;
  if (altpv::guest::hypercall_read(msr, &value) != altpv::MsrAccess::Done) {
    return guest_pv_replay_rdmsr(msr);
  }
  return {static_cast<std::uint32_t>(value), value >> 32};
}
extern "C" altpv::MsrHalves figure_lean_read(std::uint32_t msr) noexcept {
  if (altpv::guest::policy_of(msr) == altpv::guest::MsrPolicy::PassThrough) {
    return guest_pv_replay_rdmsr(msr);
  }
  return figure_lean_read64(msr);
}
extern "C" const char figure_lean_stub_write[], figure_lean_stub_read[], figure_lean_stub_read64[];
ALTPV_MSR_STUB_WRITE_CONST(figure_lean_stub_write, figure_lean_write);
ALTPV_MSR_STUB_READ(figure_lean_stub_read, figure_lean_read);
ALTPV_MSR_STUB_READ_CONST(figure_lean_stub_read64, figure_lean_read64);

struct PvCpuOps {
  void (*write_msr)(std::uint32_t msr, std::uint32_t lo, std::uint32_t hi);
  std::uint64_t (*read_msr)(std::uint32_t msr);
};
constinit PvCpuOps pv_ops = {native_write_msr, native_read_msr};

// A context switch's share of MSR work: the incoming task's GS base (for
// swapgs), its TLS and a per-task control register, written while the switch
// keeps eight values of the incoming task live to install them afterwards.
struct Task {
  std::uint64_t gs_base, tls, control;
  std::uint64_t sp, ip, flags, cr3, pkru, fpu, id, preempt;
};
struct PerCpu {
  std::uint64_t sp, ip, flags, cr3, pkru, fpu, id, preempt;
  const Task* current;
};
struct Switch {
  const Task* next;
  PerCpu* cpu;
};

// How each strategy writes the three MSRs.
struct AltpvMsrs {
  static void gs_base(std::uint64_t v) { altpv::wrmsr_ns(altpv::msr::kIa32KernelGsBase, v); }
  static void tls(std::uint64_t v) { altpv::wrmsr_ns(altpv::testbed::kMsr1, v); }
  static void control(std::uint64_t v) { altpv::wrmsr_ns(altpv::testbed::kMsr2, v); }
};
void pvops_write(std::uint32_t msr, std::uint64_t v) {
  pv_ops.write_msr(msr, static_cast<std::uint32_t>(v), static_cast<std::uint32_t>(v >> 32));
}
struct PvopsIndirectMsrs {
  static void gs_base(std::uint64_t v) { pvops_write(altpv::msr::kIa32KernelGsBase.index, v); }
  static void tls(std::uint64_t v) { pvops_write(altpv::testbed::kMsr1.index, v); }
  static void control(std::uint64_t v) { pvops_write(altpv::testbed::kMsr2.index, v); }
};
template <void (*Write)(std::uint32_t, std::uint32_t, std::uint32_t)>
struct PvopsDirectMsrs {
  static void write(std::uint32_t msr, std::uint64_t v) {
    Write(msr, static_cast<std::uint32_t>(v), static_cast<std::uint32_t>(v >> 32));
  }
  static void gs_base(std::uint64_t v) { write(altpv::msr::kIa32KernelGsBase.index, v); }
  static void tls(std::uint64_t v) { write(altpv::testbed::kMsr1.index, v); }
  static void control(std::uint64_t v) { write(altpv::testbed::kMsr2.index, v); }
};

template <class Msrs>
[[gnu::always_inline]] inline void context_switch(std::uint64_t arg) {
  const Switch& s = *reinterpret_cast<const Switch*>(arg);
  const Task& next = *s.next;
  PerCpu& cpu = *s.cpu;
  // Loaded before the writes and stored after them: each MSR site clobbers
  // memory, so the compiler must keep all eight somewhere across the writes.
  const std::uint64_t sp = next.sp, ip = next.ip, flags = next.flags, cr3 = next.cr3;
  const std::uint64_t pkru = next.pkru, fpu = next.fpu, id = next.id, preempt = next.preempt;
  Msrs::gs_base(next.gs_base);
  Msrs::tls(next.tls);
  Msrs::control(next.control);
  cpu.sp = sp;
  cpu.ip = ip;
  cpu.flags = flags;
  cpu.cr3 = cr3;
  cpu.pkru = pkru;
  cpu.fpu = fpu;
  cpu.id = id;
  cpu.preempt = preempt;
  cpu.current = &next;
}

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
[[gnu::noinline]] void figure_altpv_stub_wrmsr_ns_const(std::uint64_t v) {
  altpv::wrmsr_ns(kStubWriteMsr, v);
}
// altpv_lean under PV: what altpv's patched site holds (the setup, the
// call, and for the 14-byte constant-index read the 4 bytes of NOP after
// its 10), calling the lean stubs. Natively the strategy is altpv's site.
[[gnu::noinline]] void figure_altpv_lean_pv_wrmsr_ns_const(std::uint64_t v) {
  asm volatile(ALTPV_MSR_WRITE_SETUP "; call figure_lean_stub_write"
               :
               : "a"(v), [msr] "i"(altpv::testbed::kMsr0.index)
               : "rcx", "rdx", "memory");
}
[[gnu::noinline]] void figure_altpv_lean_pv_rdmsr_const(std::uint64_t) {
  std::uint64_t value;
  asm volatile(ALTPV_MSR_READ_SETUP "; call figure_lean_stub_read64; .nops 4"
               : "=a"(value)
               : [msr] "i"(altpv::testbed::kMsr0.index)
               : "rcx", "rdx");
  asm volatile("" : : "r"(value));
}
[[gnu::noinline]] void figure_altpv_lean_pv_rdmsr_var(std::uint64_t msr) {
  std::uint32_t lo, hi;
  asm volatile("call figure_lean_stub_read"
               : "=a"(lo), "=d"(hi)
               : "c"(static_cast<std::uint32_t>(msr)));
  asm volatile("" : : "r"(lo | std::uint64_t{hi} << 32));
}
[[gnu::noinline]] void figure_altpv_rdmsr_const(std::uint64_t) {
  asm volatile("" : : "r"(altpv::rdmsr(altpv::testbed::kMsr0)));
}
[[gnu::noinline]] void figure_altpv_stub_rdmsr_const(std::uint64_t) {
  asm volatile("" : : "r"(altpv::rdmsr(kStubReadMsr)));
}
[[gnu::noinline]] void figure_pvops_indirect_rdmsr_const(std::uint64_t) {
  asm volatile("" : : "r"(pv_ops.read_msr(kMsr)));
}
[[gnu::noinline]] void figure_pvops_direct_native_rdmsr_const(std::uint64_t) {
  asm volatile("" : : "r"(native_read_msr(kMsr)));
}
[[gnu::noinline]] void figure_pvops_direct_pv_rdmsr_const(std::uint64_t) {
  asm volatile("" : : "r"(hypercall_read_msr(kMsr)));
}
[[gnu::noinline]] void figure_altpv_context_switch(std::uint64_t arg) {
  context_switch<AltpvMsrs>(arg);
}
[[gnu::noinline]] void figure_pvops_indirect_context_switch(std::uint64_t arg) {
  context_switch<PvopsIndirectMsrs>(arg);
}
[[gnu::noinline]] void figure_pvops_direct_native_context_switch(std::uint64_t arg) {
  context_switch<PvopsDirectMsrs<native_write_msr>>(arg);
}
[[gnu::noinline]] void figure_pvops_direct_pv_context_switch(std::uint64_t arg) {
  context_switch<PvopsDirectMsrs<hypercall_write_msr>>(arg);
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

// noinline: every figure then runs the very same marker code around its
// call, so subtracting the empty function's count is exact.
[[gnu::noinline]] Counters measure(void (*fn)(std::uint64_t), std::uint64_t arg) {
  Counters c{};
  hypercall(Hypercall::MarkerBegin);
  fn(arg);
  hypercall(Hypercall::MarkerEnd, reinterpret_cast<std::uintptr_t>(&c));
  return c;
}

void measure_figure(const Figure& f, const Counters& empty) {
  const Counters c = measure(f.fn, f.arg);
  EXPECT_TRUE(c.instructions > empty.instructions);
  JsonLine("figure")
      .out()
      .str("strategy", f.strategy)
      .str("op", f.op)
      .num("insns", c.instructions - empty.instructions)
      .num("exits", c.exits - empty.exits);
}

namespace {

// The incoming task and the per-CPU area of the context_switch figures.
constinit Task next_task = {0xffff888000100000, 0x7f0000001000, 0x5, 1, 2, 3, 4, 5, 6, 7, 8};
constinit PerCpu this_cpu = {};
constinit Switch switch_args = {&next_task, &this_cpu};

void figures_msr() {
  const bool pv = boot_patching().features.has(altpv::Feature::Pv);
  if (pv) pv_ops = {hypercall_write_msr, hypercall_read_msr};
  const auto args = reinterpret_cast<std::uintptr_t>(&switch_args);
  const Figure figures[] = {
      {"altpv", "wrmsr_ns_const", figure_altpv_wrmsr_ns_const, 0x1234},
      {"pvops_indirect", "wrmsr_ns_const", figure_pvops_indirect_wrmsr_ns_const, 0x1234},
      {"pvops_direct", "wrmsr_ns_const",
       pv ? figure_pvops_direct_pv_wrmsr_ns_const : figure_pvops_direct_native_wrmsr_ns_const,
       0x1234},
      {"altpv_stub", "wrmsr_ns_const", figure_altpv_stub_wrmsr_ns_const, 0x1234},
      {"altpv_lean", "wrmsr_ns_const",
       pv ? figure_altpv_lean_pv_wrmsr_ns_const : figure_altpv_wrmsr_ns_const, 0x1234},
      {"altpv", "rdmsr_var", figure_altpv_rdmsr_var, kMsr},
      {"altpv_lean", "rdmsr_var", pv ? figure_altpv_lean_pv_rdmsr_var : figure_altpv_rdmsr_var,
       kMsr},
      {"pvops_indirect", "rdmsr_var", figure_pvops_indirect_rdmsr_var, kMsr},
      {"pvops_direct", "rdmsr_var",
       pv ? figure_pvops_direct_pv_rdmsr_var : figure_pvops_direct_native_rdmsr_var, kMsr},
      {"altpv", "rdmsr_const", figure_altpv_rdmsr_const, 0},
      {"altpv_stub", "rdmsr_const", figure_altpv_stub_rdmsr_const, 0},
      {"altpv_lean", "rdmsr_const",
       pv ? figure_altpv_lean_pv_rdmsr_const : figure_altpv_rdmsr_const, 0},
      {"pvops_indirect", "rdmsr_const", figure_pvops_indirect_rdmsr_const, 0},
      {"pvops_direct", "rdmsr_const",
       pv ? figure_pvops_direct_pv_rdmsr_const : figure_pvops_direct_native_rdmsr_const, 0},
      {"altpv", "context_switch", figure_altpv_context_switch, args},
      {"pvops_indirect", "context_switch", figure_pvops_indirect_context_switch, args},
      {"pvops_direct", "context_switch",
       pv ? figure_pvops_direct_pv_context_switch : figure_pvops_direct_native_context_switch,
       args},
  };
  const Counters empty = measure(figure_empty, 0);
  // Without counting there is nothing to measure. A bare run skips; ctest
  // passes --count-insns and --require-pass, under which a skip fails.
  if (empty.instructions == 0) {
    skip_test("instruction counting is off: run altpv-vmm with --count-insns");
    return;
  }
  for (const Figure& f : figures) measure_figure(f, empty);
  pv_ops = {native_write_msr, native_read_msr};
  // Every strategy installed the same state.
  EXPECT_EQ(this_cpu.cr3, next_task.cr3);
  EXPECT_EQ(this_cpu.preempt, next_task.preempt);
  EXPECT_TRUE(this_cpu.current == &next_task);
}

GUEST_TEST_REQUIRES("figures.msr", figures_msr, Testbed);

}  // namespace
}  // namespace altpv::guest
