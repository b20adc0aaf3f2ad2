// SPDX-License-Identifier: MIT
// Strategy 4: a call into a shared library through the PLT to the function
// its IFUNC resolver chose.
#include "ifunc_ops.h"
#include "strategy.h"

namespace altpv::bench {
namespace {

[[gnu::always_inline]] inline std::uint64_t cpu_number() {
  return altpv_bench_ifunc_cpu_number();
}
[[gnu::always_inline]] inline std::uint64_t fs_base() {
  return altpv_bench_ifunc_fs_base();
}

}  // namespace

const Strategy kIfuncPlt{"ifunc_plt", "glibc IFUNC in a shared library, via the PLT",
                         op_entry<cpu_number>(), op_entry<fs_base>()};

}  // namespace altpv::bench
