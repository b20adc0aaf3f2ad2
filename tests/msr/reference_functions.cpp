// SPDX-License-Identifier: MIT
// Reference functions for the zero-cost check: each altpv MSR call next to
// the same instructions written by hand as plain inline asm, as a kernel
// without altpv would write them. Variable-index ops are the bare
// instruction with the index and value in its registers; constant-index ops
// are the sequence of Xin Li's 2025 RFC, value in rax:
//   mov $idx,%ecx; mov %rax,%rdx; shr $32,%rdx; wrmsr
// Built with the freestanding (kernel) flags at a fixed -O2 into a shared
// object that is never loaded, only disassembled.
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
  asm volatile("mov $0x277, %%ecx; mov %%rax, %%rdx; shr $32, %%rdx; .byte 0x2e; wrmsr"
               :
               : "a"(v)
               : "rcx", "rdx", "memory");
}

void ref_altpv_wrmsr_const(std::uint64_t v) {
  altpv::wrmsr(altpv::msr::kIa32Pat, v);
}
void ref_hand_wrmsr_const(std::uint64_t v) {
  asm volatile("mov $0x277, %%ecx; mov %%rax, %%rdx; shr $32, %%rdx; wrmsr"
               :
               : "a"(v)
               : "rcx", "rdx", "memory");
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
  std::uint64_t v;
  asm volatile("mov $0x277, %%ecx; rdmsr; shl $32, %%rdx; or %%rdx, %%rax"
               : "=a"(v)
               :
               : "rcx", "rdx");
  return v;
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
