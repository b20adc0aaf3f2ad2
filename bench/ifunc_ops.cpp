// SPDX-License-Identifier: MIT
// The IFUNC library. ld.so runs each resolver once, when it binds the
// symbol, and the PLT slot then jumps straight to the chosen function.
#include "ifunc_ops.h"

#include <cpuid.h>
#include <pthread.h>
#include <sched.h>

#include "fsgsbase_enabled.h"
#include "op_bodies.h"

namespace {

using Impl = std::uint64_t (*)();

std::uint64_t cpu_number_rdpid() {
  return altpv::bench::rdpid_cpu_number();
}
std::uint64_t cpu_number_getcpu() {
  return static_cast<std::uint64_t>(sched_getcpu());
}

std::uint64_t fs_base_rdfsbase() {
  return altpv::bench::rdfsbase_fs_base();
}
// glibc's pthread_t is the thread's TCB, which is where FS points.
std::uint64_t fs_base_tcb() {
  return reinterpret_cast<std::uint64_t>(pthread_self());
}

}  // namespace

extern "C" {

// Resolvers run while ld.so is still relocating, so they use only CPUID and
// getauxval, never code that might need relocations not yet applied.
Impl altpv_bench_resolve_cpu_number() {
  unsigned a, b, c, d;
  const bool rdpid = __get_cpuid_count(7, 0, &a, &b, &c, &d) != 0 && (c & bit_RDPID) != 0;
  return rdpid ? &cpu_number_rdpid : &cpu_number_getcpu;
}

Impl altpv_bench_resolve_fs_base() {
  return altpv::bench::fsgsbase_enabled() ? &fs_base_rdfsbase : &fs_base_tcb;
}

std::uint64_t altpv_bench_ifunc_cpu_number()
    __attribute__((ifunc("altpv_bench_resolve_cpu_number")));
std::uint64_t altpv_bench_ifunc_fs_base() __attribute__((ifunc("altpv_bench_resolve_fs_base")));
}
