// SPDX-License-Identifier: MIT
// Strategy 4: the ops as glibc IFUNCs exported by a shared library
// (libaltpv_bench_ifunc.so), so each call goes through the PLT.
#pragma once

#include <cstdint>

extern "C" {
std::uint64_t altpv_bench_ifunc_cpu_number();
std::uint64_t altpv_bench_ifunc_fs_base();
}
