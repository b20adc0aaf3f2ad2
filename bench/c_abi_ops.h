// SPDX-License-Identifier: MIT
// The ops as out-of-line C-ABI functions, and the two indirect ways of
// reaching them that strategies 3 and 5 measure. Defined in another
// translation unit, so the compiler cannot see through the pointers.
#pragma once

#include <cstdint>

extern "C" {

std::uint64_t altpv_bench_cpu_number();
std::uint64_t altpv_bench_fs_base();

// Strategy 3: plain function pointers.
extern std::uint64_t (*altpv_bench_cpu_number_fn)();
extern std::uint64_t (*altpv_bench_fs_base_fn)();

// Strategy 5: a table of function pointers in the style of Linux's
// PARAVIRT_XXL pv_ops (struct pv_cpu_ops), called through its members.
struct AltpvBenchPvOps {
  std::uint64_t (*cpu_number)();
  std::uint64_t (*fs_base)();
};
extern AltpvBenchPvOps altpv_bench_pv_ops;
}
