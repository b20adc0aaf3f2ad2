// SPDX-License-Identifier: MIT
// The lean native-ABI stubs (native_abi.h): the same pv sites as
// strategy_native_stub.cpp, but the stub saves only the registers the op
// must keep and the C ABI lets the handler clobber, and the handler returns
// the op's result in rax. One strategy without vector state (the handler is
// general-registers-only), and one per way of saving the vector state for an
// ordinary handler, to find the cheapest correct one (docs/bench.md).
#include <cpuid.h>

#include <cstdint>

#include "altpv/native_abi.h"
#include "native_stub.h"
#include "op_bodies.h"
#include "pv_sites.h"
#include "strategy.h"

extern "C" {

// General-registers-only, so every stub kind may call them.
[[gnu::used, gnu::target("general-regs-only")]] std::uint64_t
altpv_bench_lean_cpu_number() noexcept {
  return altpv::bench::rdpid_cpu_number();
}
[[gnu::used, gnu::target("general-regs-only")]] std::uint64_t altpv_bench_lean_fs_base() noexcept {
  return altpv::bench::rdfsbase_fs_base();
}

extern const char altpv_bench_lean_gpr_cpu_number[], altpv_bench_lean_gpr_fs_base[],
    altpv_bench_lean_xsave_cpu_number[], altpv_bench_lean_xsave_fs_base[],
    altpv_bench_lean_xsaveopt_cpu_number[], altpv_bench_lean_xsaveopt_fs_base[],
    altpv_bench_lean_xsavec_cpu_number[], altpv_bench_lean_xsavec_fs_base[],
    altpv_bench_lean_zmm_cpu_number[], altpv_bench_lean_zmm_fs_base[],
    altpv_bench_preserving_gpr_cpu_number[], altpv_bench_preserving_gpr_fs_base[];
}

// The op shapes: RDPID writes rcx only, RDFSBASE (here) rax only.
// clang-format off
#define BENCH_CPU_NUMBER_SAVED "rax, rdx, rsi, rdi, r8, r9, r10, r11"
#define BENCH_FS_BASE_SAVED "rcx, rdx, rsi, rdi, r8, r9, r10, r11"
#define BENCH_LEAN_STUBS(kind, save, restore)                                                 \
  ALTPV_LEAN_STUB_RZ_SAVING(altpv_bench_lean_##kind##_cpu_number, altpv_bench_lean_cpu_number, \
                             BENCH_CPU_NUMBER_SAVED, "", "mov %rax, %rcx", save, restore);      \
  ALTPV_LEAN_STUB_RZ_SAVING(altpv_bench_lean_##kind##_fs_base, altpv_bench_lean_fs_base,       \
                             BENCH_FS_BASE_SAVED, "", "", save, restore)

// The other ways to save what an ordinary handler may clobber. XSAVEOPT: as
// XSAVE, but skips components in their initial state or unmodified since
// the last XRSTOR from the same address; measured for reference only: on a
// stack area that other code reuses between calls, the second optimisation
// would skip saving over stale bytes (SDM Vol. 1, 13.6), so it is not a
// correct save here. XSAVEC: the compacted format, only the components in
// use; it writes the first 16 header bytes and XRSTOR wants the other 48
// zero, which the shared sequence clears.
#define BENCH_XSAVEOPT_SAVE ALTPV_STUB_XSAVE_USING("xsaveopt64")
#define BENCH_XSAVEC_SAVE ALTPV_STUB_XSAVE_USING("xsavec64")
// The registers themselves: zmm0-31, k0-7 and MXCSR, which is everything
// vector the System V ABI lets a handler clobber, and the x87 state by
// XSAVEC of that component alone (the ABI wants the x87 stack empty at
// calls, but a site's caller may still hold values there; unused, it is in
// its initial state and XSAVEC writes only the header). Layout: zmm at 0, k
// at 2048, MXCSR at 2104, the x87 XSAVE area at 2112 (header at 2624).
#define BENCH_ZMM_SAVE                                                              \
  "sub $2688+16, %rsp\n and $-64, %rsp\n"                                           \
  "xor %eax, %eax\n .irp n, 16,24,32,40,48,56\n mov %rax, 2624+\\n(%rsp)\n .endr\n" \
  "mov $1, %eax\n xor %edx, %edx\n xsavec64 2112(%rsp)\n"                         \
  ".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n" \
  " vmovdqu64 %zmm\\n, \\n*64(%rsp)\n .endr\n"                                          \
  ".irp n, 0,1,2,3,4,5,6,7\n kmovq %k\\n, 2048+\\n*8(%rsp)\n .endr\n stmxcsr 2112-8(%rsp)\n"
#define BENCH_ZMM_RESTORE                                                           \
  ".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n" \
  " vmovdqu64 \\n*64(%rsp), %zmm\\n\n .endr\n"                                          \
  ".irp n, 0,1,2,3,4,5,6,7\n kmovq 2048+\\n*8(%rsp), %k\\n\n .endr\n ldmxcsr 2112-8(%rsp)\n" \
  "mov $1, %eax\n xor %edx, %edx\n xrstor64 2112(%rsp)\n"
// clang-format on

ALTPV_LEAN_STUB_RZ_GENERAL_REGS(altpv_bench_lean_gpr_cpu_number, altpv_bench_lean_cpu_number,
                                BENCH_CPU_NUMBER_SAVED, "", "mov %rax, %rcx");
ALTPV_LEAN_STUB_RZ_GENERAL_REGS(altpv_bench_lean_gpr_fs_base, altpv_bench_lean_fs_base,
                                BENCH_FS_BASE_SAVED, "", "");
BENCH_LEAN_STUBS(xsave, ALTPV_STUB_VECTOR_SAVE, ALTPV_STUB_VECTOR_RESTORE);
BENCH_LEAN_STUBS(xsaveopt, BENCH_XSAVEOPT_SAVE, ALTPV_STUB_VECTOR_RESTORE);
BENCH_LEAN_STUBS(xsavec, BENCH_XSAVEC_SAVE, ALTPV_STUB_VECTOR_RESTORE);
BENCH_LEAN_STUBS(zmm, BENCH_ZMM_SAVE, BENCH_ZMM_RESTORE);

namespace altpv::bench {
namespace {

bool cpuid_bit(unsigned leaf, unsigned subleaf, int reg, unsigned bit) {
  unsigned r[4] = {};
  if (__get_cpuid_count(leaf, subleaf, &r[0], &r[1], &r[2], &r[3]) == 0) return false;
  return (r[reg] >> bit & 1) != 0;
}

struct LeanKind {
  StubKind kind;
  const char* cpu_number;
  const char* fs_base;
};

const LeanKind kLeanKinds[] = {
    {StubKind::LeanGpr, altpv_bench_lean_gpr_cpu_number, altpv_bench_lean_gpr_fs_base},
    {StubKind::LeanXsave, altpv_bench_lean_xsave_cpu_number, altpv_bench_lean_xsave_fs_base},
    {StubKind::LeanXsaveopt, altpv_bench_lean_xsaveopt_cpu_number,
     altpv_bench_lean_xsaveopt_fs_base},
    {StubKind::LeanXsavec, altpv_bench_lean_xsavec_cpu_number, altpv_bench_lean_xsavec_fs_base},
    {StubKind::LeanZmm, altpv_bench_lean_zmm_cpu_number, altpv_bench_lean_zmm_fs_base},
    {StubKind::PreservingGpr, altpv_bench_preserving_gpr_cpu_number,
     altpv_bench_preserving_gpr_fs_base},
};

}  // namespace

const char* lean_stub_unsupported(StubKind kind) {
  // CPUID.(EAX=0DH,ECX=1):EAX bit 0 XSAVEOPT, bit 1 XSAVEC; CPUID.7:EBX
  // bit 16 AVX512F (the kernel enables its state whenever the CPU has it).
  switch (kind) {
    case StubKind::LeanXsaveopt:
      return cpuid_bit(0xd, 1, 0, 0) ? nullptr : "this CPU lacks XSAVEOPT";
    case StubKind::LeanXsavec:
      return cpuid_bit(0xd, 1, 0, 1) ? nullptr : "this CPU lacks XSAVEC";
    case StubKind::LeanZmm:
      if (!cpuid_bit(0xd, 1, 0, 1)) return "this CPU lacks XSAVEC";
      return cpuid_bit(7, 0, 1, 16) ? nullptr : "this CPU lacks AVX-512";
    default:
      return nullptr;
  }
}

const void* lean_stub(std::uint16_t op) {
  for (const LeanKind& k : kLeanKinds) {
    if (lean_stub_unsupported(k.kind) != nullptr) continue;
    if (op == pv_op(k.kind, false)) return k.cpu_number;
    if (op == pv_op(k.kind, true)) return k.fs_base;
  }
  return nullptr;
}

#define BENCH_LEAN_STRATEGY(kind)                       \
  op_entry<cpu_number<pv_op(StubKind::kind, false)>>(), \
      op_entry<fs_base<pv_op(StubKind::kind, true)>>()

const Strategy kPreservingStubGpr{"altpv_preserving_gpr",
                                  "altpv pv site: preserving stub, general-regs handler",
                                  BENCH_LEAN_STRATEGY(PreservingGpr)};
const Strategy kLeanStubGpr{"altpv_lean_stub_gpr", "altpv pv site: lean stub, general-regs handler",
                            BENCH_LEAN_STRATEGY(LeanGpr)};
const Strategy kLeanStubXsave{"altpv_lean_xsave", "altpv pv site: lean stub, XSAVE",
                              BENCH_LEAN_STRATEGY(LeanXsave)};
const Strategy kLeanStubXsaveopt{"altpv_lean_xsaveopt",
                                 "altpv pv site: lean stub, XSAVEOPT (not correct on a stack)",
                                 BENCH_LEAN_STRATEGY(LeanXsaveopt)};
const Strategy kLeanStubXsavec{"altpv_lean_xsavec", "altpv pv site: lean stub, XSAVEC",
                               BENCH_LEAN_STRATEGY(LeanXsavec)};
const Strategy kLeanStubZmm{"altpv_lean_zmm",
                            "altpv pv site: lean stub, zmm/k/mxcsr stores, x87 by XSAVEC",
                            BENCH_LEAN_STRATEGY(LeanZmm)};

}  // namespace altpv::bench
