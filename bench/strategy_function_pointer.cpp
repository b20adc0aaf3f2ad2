// SPDX-License-Identifier: MIT
// Strategy 3: an indirect call through a function pointer held in memory.
#include "c_abi_ops.h"
#include "strategy.h"

namespace altpv::bench {
namespace {

[[gnu::always_inline]] inline std::uint64_t cpu_number() {
  return altpv_bench_cpu_number_fn();
}
[[gnu::always_inline]] inline std::uint64_t fs_base() {
  return altpv_bench_fs_base_fn();
}

}  // namespace

const Strategy kFunctionPointer{"function_pointer", "call through a function pointer",
                                op_entry<cpu_number>(), op_entry<fs_base>()};

}  // namespace altpv::bench
