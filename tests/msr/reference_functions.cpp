// SPDX-License-Identifier: MIT
// Reference functions for the zero-cost check: each altpv MSR call next to
// the hand-written inline asm of the same instruction. Compiled with the
// freestanding (kernel) flags; never executed, only disassembled.
#include <cstdint>

#include "altpv/msr.h"

namespace {
std::uint32_t lo(std::uint64_t v) {
  return static_cast<std::uint32_t>(v);
}
std::uint32_t hi(std::uint64_t v) {
  return static_cast<std::uint32_t>(v >> 32);
}
}  // namespace

extern "C" {

void ref_altpv_wrmsr_ns_const(std::uint64_t v) {
  altpv::wrmsr_ns(altpv::msr::kIa32Pat, v);
}
void ref_hand_wrmsr_ns_const(std::uint64_t v) {
  asm volatile(".byte 0x2e; wrmsr" : : "c"(0x277), "a"(lo(v)), "d"(hi(v)) : "memory");
}

void ref_altpv_wrmsr_ns_var(std::uint32_t msr, std::uint64_t v) {
  altpv::wrmsr_ns(msr, v);
}
void ref_hand_wrmsr_ns_var(std::uint32_t msr, std::uint64_t v) {
  asm volatile(".byte 0x2e; wrmsr" : : "c"(msr), "a"(lo(v)), "d"(hi(v)) : "memory");
}

void ref_altpv_wrmsr_var(std::uint32_t msr, std::uint64_t v) {
  altpv::wrmsr(msr, v);
}
void ref_hand_wrmsr_var(std::uint32_t msr, std::uint64_t v) {
  asm volatile("wrmsr" : : "c"(msr), "a"(lo(v)), "d"(hi(v)) : "memory");
}

std::uint64_t ref_altpv_rdmsr_const() {
  return altpv::rdmsr(altpv::msr::kIa32Pat);
}
std::uint64_t ref_hand_rdmsr_const() {
  std::uint32_t a, d;
  asm volatile("rdmsr" : "=a"(a), "=d"(d) : "c"(0x277));
  return a | std::uint64_t{d} << 32;
}

std::uint64_t ref_altpv_rdmsr_var(std::uint32_t msr) {
  return altpv::rdmsr(msr);
}
std::uint64_t ref_hand_rdmsr_var(std::uint32_t msr) {
  std::uint32_t a, d;
  asm volatile("rdmsr" : "=a"(a), "=d"(d) : "c"(msr));
  return a | std::uint64_t{d} << 32;
}
}
