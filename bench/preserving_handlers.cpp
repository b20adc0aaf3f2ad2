// SPDX-License-Identifier: MIT
// The preserving stubs (native_abi.h) of the altpv_preserving_gpr strategy
// and their handlers. Built without vector registers (bench/CMakeLists.txt):
// the stub macro exists only in such a translation unit, and GCC accepts
// a preserving handler only there.
#include <cstdint>

#include "altpv/native_abi.h"
#include "op_bodies.h"

extern "C" {

[[ALTPV_PRESERVING_HANDLER, gnu::used]] std::uint64_t altpv_bench_preserving_cpu_number() noexcept {
  return altpv::bench::rdpid_cpu_number();
}
[[ALTPV_PRESERVING_HANDLER, gnu::used]] std::uint64_t altpv_bench_preserving_fs_base() noexcept {
  return altpv::bench::rdfsbase_fs_base();
}

}  // extern "C"

// RDPID writes rcx only: the handler's rax is saved around it and moved to
// rcx. RDFSBASE (here) writes rax: nothing to save.
ALTPV_PRESERVING_STUB(altpv_bench_preserving_gpr_cpu_number, altpv_bench_preserving_cpu_number,
                      "rax", "", "mov %rax, %rcx");
ALTPV_PRESERVING_STUB(altpv_bench_preserving_gpr_fs_base, altpv_bench_preserving_fs_base, "", "",
                      "");
