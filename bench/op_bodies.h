// SPDX-License-Identifier: MIT
// The two measured ops as hand-written inline asm. This is strategy 1 (the
// limit), and also the body that every other strategy ends up running, so
// the strategies differ only in how they reach it.
#pragma once

#include <cstdint>

namespace altpv::bench {

// IA32_TSC_AUX holds node << 12 | cpu on Linux; the op is the cpu number.
inline constexpr std::uint64_t kCpuNumberMask = 0xfff;

// volatile: the result changes when the thread migrates, and the benchmark
// loop must execute the instruction every iteration.
inline std::uint64_t rdpid_cpu_number() {
  std::uint64_t aux;
  asm volatile("rdpid %0" : "=r"(aux));
  return aux & kCpuNumberMask;
}

inline std::uint64_t rdfsbase_fs_base() {
  std::uint64_t base;
  asm volatile("rdfsbase %0" : "=r"(base));
  return base;
}

}  // namespace altpv::bench
