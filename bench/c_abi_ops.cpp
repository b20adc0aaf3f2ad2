// SPDX-License-Identifier: MIT
#include "c_abi_ops.h"

#include "op_bodies.h"

extern "C" {

std::uint64_t altpv_bench_cpu_number() {
  return altpv::bench::rdpid_cpu_number();
}
std::uint64_t altpv_bench_fs_base() {
  return altpv::bench::rdfsbase_fs_base();
}

std::uint64_t (*altpv_bench_cpu_number_fn)() = &altpv_bench_cpu_number;
std::uint64_t (*altpv_bench_fs_base_fn)() = &altpv_bench_fs_base;

AltpvBenchPvOps altpv_bench_pv_ops = {&altpv_bench_cpu_number, &altpv_bench_fs_base};
}
