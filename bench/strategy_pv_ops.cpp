// SPDX-License-Identifier: MIT
// Strategy 5: Linux PARAVIRT_XXL as it is today, `call *pv_ops.member(%rip)`
// into a C-ABI function. As with PVOP_CALL, the call is hidden in asm, so
// the compiler must assume every caller-saved register is clobbered: it
// cannot keep values in them across the site.
//
// This file is built with -mno-red-zone, as the kernel is: a call from
// inline asm pushes its return address where a red zone would be.
#include "c_abi_ops.h"
#include "strategy.h"

namespace altpv::bench {
namespace {

using Member = std::uint64_t (*AltpvBenchPvOps::*)();

template <Member Op>
[[gnu::always_inline]] inline std::uint64_t pvop_call() {
  std::uint64_t ret;
  // The C ABI's caller-saved registers, except rax, which carries the result.
  asm volatile("call *%[op]"
               : "=a"(ret)
               : [op] "m"(altpv_bench_pv_ops.*Op)
               : "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "xmm0", "xmm1", "xmm2",
                 "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12",
                 "xmm13", "xmm14", "xmm15", "memory", "cc");
  return ret;
}

}  // namespace

const Strategy kPvOps{"pv_ops", "pv_ops-style call *ops.member(%rip)",
                      op_entry<pvop_call<&AltpvBenchPvOps::cpu_number>>(),
                      op_entry<pvop_call<&AltpvBenchPvOps::fs_base>>()};

}  // namespace altpv::bench
