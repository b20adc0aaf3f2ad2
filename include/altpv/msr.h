// SPDX-License-Identifier: MIT
// MSR access with the two write flavours of the x86 maintainers' WRMSRNS discussion (docs/architecture.md):
//   wrmsr()    serialising: WRMSR;
//   wrmsr_ns() may be non-serialising: WRMSRNS imm32 form (constant index,
//              MSR_IMM), else WRMSRNS, else WRMSR with a CS prefix (the same
//              3 bytes as WRMSRNS, so no trailing NOP);
// plus rdmsr() (RDMSR, or its imm32 form for a constant index with MSR_IMM)
// and *_safe variants that return kMsrFault instead of taking the #GP.
//
// Every site is patched once at boot. Under a paravirtualising backend (the
// PV feature) every site becomes a call to a stub with the site's own
// register ABI (native_abi.h); the native paths never pay for that.
//
// Two site shapes:
//   - variable index, `wrmsr(idx, v)`: the compiler loads ecx and edx:eax,
//     the site is the bare instruction;
//   - constant index, `wrmsr(msr::kIa32Pat, v)`: the value is passed in rax
//     and the site loads ecx and edx itself, so that the MSR_IMM alternative
//     can replace the whole sequence with one instruction (the shape of Xin
//     Li's 2025 RFC). Such sites carry the index as their site constant, so a
//     backend may patch in a call to a stub specialised for that MSR.
//
// Stub ABIs (what a PV call must preserve; everything not listed survives):
//   WRMSR, WRMSR_NS          in: ecx index, edx:eax value
//   RDMSR                    in: ecx; out: edx:eax (upper halves zero)
//   RDMSR64                  in: ecx; out: rax; rdx clobbered
//   WRMSR_SAFE, WRMSR_NS_SAFE  as WRMSR; out: eax = 0 or kMsrFault
//   RDMSR_SAFE               as RDMSR; out: ecx = 0 or kMsrFault
//   RDMSR64_SAFE             as RDMSR64; out: ecx = 0 or kMsrFault
// Constant-index write sites clobber ecx and edx; read sites clobber ecx
// and edx; flags are clobbered by every site. So a stub for a constant-index
// site may lose rcx and rdx, and its writes find the value whole in rax
// (msr_backend.h picks such stubs per site).
//
// The _safe variants resume at a fixup through the exception table
// (extable.h); the kernel's #GP handler must consult it. On a fault the
// value a _safe read returns is 0.
#pragma once

#include <cstdint>

#include "altpv/extable.h"
#include "altpv/op_ids.h"
#include "altpv/site.h"

namespace altpv {

// A compile-time MSR index. Passing one selects the constant-index site.
template <std::uint32_t Index>
struct Msr {
  static constexpr std::uint32_t index = Index;
};

namespace msr {
inline constexpr Msr<0x277> kIa32Pat{};
inline constexpr Msr<0xc0000102> kIa32KernelGsBase{};
inline constexpr Msr<0xc0000103> kIa32TscAux{};
}  // namespace msr

// What the _safe variants return when the access faulted (-EIO, as Linux).
inline constexpr int kMsrFault = -5;

}  // namespace altpv

// Instruction text shared by the sites below.
#define ALTPV_MSR_WRITE_SETUP "mov %[msr], %%ecx; mov %%rax, %%rdx; shr $32, %%rdx"
#define ALTPV_MSR_READ_SETUP "mov %[msr], %%ecx"
#define ALTPV_MSR_READ_COMBINE "shl $32, %%rdx; or %%rdx, %%rax"
#define ALTPV_CS_WRMSR ".byte 0x2e; wrmsr"
// WRMSRNS imm32, %rax and RDMSR %rax, imm32 (VEX map 7, opcode f6).
#define ALTPV_WRMSRNS_IMM_RAX ".byte 0xc4, 0xe7, 0x7a, 0xf6, 0xc0; .long %c[msr]"
#define ALTPV_RDMSR_IMM_RAX ".byte 0xc4, 0xe7, 0x7b, 0xf6, 0xc0; .long %c[msr]"

// A fault anywhere in the site just ended resumes at `code`, then after the
// site. Labels 8802/8804 are the site's start and end (site.h).
#define ALTPV_MSR_FIXUP(code)                     \
  ALTPV_S(.pushsection altpv_fixup, "ax"; 8850 :) \
  ALTPV_INSN(code) ALTPV_S(jmp 8804b;.popsection) ALTPV_EXTABLE(8802b, 8804b, 8850b)

// The formatter would split the %-codes in this asm text.
// clang-format off
// The site bodies, one per op shape. Operands: %[msr] ("i", constant-index
// sites) and %[err] ("i"(kMsrFault), _safe sites); registers as the stub
// ABIs above. The functions below wrap them; tests run them directly with
// every register loaded (testing/site_register_harness.h).
#define ALTPV_MSR_WRMSR_SITE \
  ALTPV_SITE_BEGIN ALTPV_ALT_CALL(ALTPV_FEATURE_PV) ALTPV_SITE_END(ALTPV_OP_WRMSR, "wrmsr")

#define ALTPV_MSR_WRMSR_NS_SITE                                                                 \
  ALTPV_SITE_BEGIN ALTPV_ALT_CALL(ALTPV_FEATURE_PV) ALTPV_ALT(ALTPV_FEATURE_WRMSRNS, "wrmsrns") \
      ALTPV_SITE_END(ALTPV_OP_WRMSR_NS, ALTPV_CS_WRMSR)

#define ALTPV_MSR_RDMSR_SITE \
  ALTPV_SITE_BEGIN ALTPV_ALT_CALL(ALTPV_FEATURE_PV) ALTPV_SITE_END(ALTPV_OP_RDMSR, "rdmsr")

#define ALTPV_MSR_WRMSR_SAFE_SITE                                   \
  ALTPV_SITE_BEGIN ALTPV_ALT_CALL(ALTPV_FEATURE_PV) ALTPV_SITE_END( \
      ALTPV_OP_WRMSR_SAFE, "wrmsr; xor %%eax, %%eax") ALTPV_MSR_FIXUP("mov %[err], %%eax")

#define ALTPV_MSR_WRMSR_NS_SAFE_SITE                                                  \
  ALTPV_SITE_BEGIN ALTPV_ALT_CALL(ALTPV_FEATURE_PV)                                   \
      ALTPV_ALT(ALTPV_FEATURE_WRMSRNS, "wrmsrns; xor %%eax, %%eax")                   \
          ALTPV_SITE_END(ALTPV_OP_WRMSR_NS_SAFE, ALTPV_CS_WRMSR "; xor %%eax, %%eax") \
              ALTPV_MSR_FIXUP("mov %[err], %%eax")

#define ALTPV_MSR_RDMSR_SAFE_SITE                                    \
  ALTPV_SITE_BEGIN ALTPV_ALT_CALL(ALTPV_FEATURE_PV)                  \
      ALTPV_SITE_END(ALTPV_OP_RDMSR_SAFE, "rdmsr; xor %%ecx, %%ecx") \
          ALTPV_MSR_FIXUP("xor %%eax, %%eax; xor %%edx, %%edx; mov %[err], %%ecx")

#define ALTPV_MSR_WRMSR_CONST_SITE                                               \
  ALTPV_SITE_BEGIN ALTPV_ALT_CALL_AFTER(ALTPV_FEATURE_PV, ALTPV_MSR_WRITE_SETUP) \
      ALTPV_SITE_END_CONST(ALTPV_OP_WRMSR, %c[msr], ALTPV_MSR_WRITE_SETUP "; wrmsr")

#define ALTPV_MSR_WRMSR_NS_CONST_SITE                                            \
  ALTPV_SITE_BEGIN ALTPV_ALT_CALL_AFTER(ALTPV_FEATURE_PV, ALTPV_MSR_WRITE_SETUP) \
      ALTPV_ALT(ALTPV_FEATURE_MSR_IMM, ALTPV_WRMSRNS_IMM_RAX)                    \
          ALTPV_ALT(ALTPV_FEATURE_WRMSRNS, ALTPV_MSR_WRITE_SETUP "; wrmsrns")    \
              ALTPV_SITE_END_CONST(ALTPV_OP_WRMSR_NS, %c[msr],                  \
                                   ALTPV_MSR_WRITE_SETUP "; " ALTPV_CS_WRMSR)

#define ALTPV_MSR_RDMSR_CONST_SITE                                                \
  ALTPV_SITE_BEGIN ALTPV_ALT_CALL_AFTER(ALTPV_FEATURE_PV, ALTPV_MSR_READ_SETUP)   \
      ALTPV_ALT(ALTPV_FEATURE_MSR_IMM, ALTPV_RDMSR_IMM_RAX) ALTPV_SITE_END_CONST( \
          ALTPV_OP_RDMSR64, %c[msr], ALTPV_MSR_READ_SETUP "; rdmsr; " ALTPV_MSR_READ_COMBINE)

#define ALTPV_MSR_WRMSR_SAFE_CONST_SITE                                          \
  ALTPV_SITE_BEGIN ALTPV_ALT_CALL_AFTER(ALTPV_FEATURE_PV, ALTPV_MSR_WRITE_SETUP) \
      ALTPV_SITE_END_CONST(ALTPV_OP_WRMSR_SAFE, %c[msr],                        \
                           ALTPV_MSR_WRITE_SETUP "; wrmsr; xor %%eax, %%eax")    \
          ALTPV_MSR_FIXUP("mov %[err], %%eax")

#define ALTPV_MSR_WRMSR_NS_SAFE_CONST_SITE                                                         \
  ALTPV_SITE_BEGIN ALTPV_ALT_CALL_AFTER(ALTPV_FEATURE_PV, ALTPV_MSR_WRITE_SETUP)                   \
      ALTPV_ALT(ALTPV_FEATURE_MSR_IMM, ALTPV_WRMSRNS_IMM_RAX "; xor %%eax, %%eax")                 \
          ALTPV_ALT(ALTPV_FEATURE_WRMSRNS, ALTPV_MSR_WRITE_SETUP "; wrmsrns; xor %%eax, %%eax")    \
              ALTPV_SITE_END_CONST(ALTPV_OP_WRMSR_NS_SAFE, %c[msr],                               \
                                   ALTPV_MSR_WRITE_SETUP "; " ALTPV_CS_WRMSR "; xor %%eax, %%eax") \
                  ALTPV_MSR_FIXUP("mov %[err], %%eax")

#define ALTPV_MSR_RDMSR_SAFE_CONST_SITE                                                \
  ALTPV_SITE_BEGIN ALTPV_ALT_CALL_AFTER(ALTPV_FEATURE_PV, ALTPV_MSR_READ_SETUP)        \
      ALTPV_ALT(ALTPV_FEATURE_MSR_IMM, ALTPV_RDMSR_IMM_RAX "; xor %%ecx, %%ecx")       \
          ALTPV_SITE_END_CONST(ALTPV_OP_RDMSR64_SAFE, %c[msr],                        \
                               ALTPV_MSR_READ_SETUP "; rdmsr; " ALTPV_MSR_READ_COMBINE \
                                                    "; xor %%ecx, %%ecx")              \
              ALTPV_MSR_FIXUP("xor %%eax, %%eax; mov %[err], %%ecx")

// clang-format on

namespace altpv {

// ---- Variable index -------------------------------------------------------

[[gnu::always_inline]] inline void wrmsr(std::uint32_t msr, std::uint32_t lo, std::uint32_t hi) {
  asm volatile(ALTPV_MSR_WRMSR_SITE : : "c"(msr), "a"(lo), "d"(hi) : "memory");
}

[[gnu::always_inline]] inline void wrmsr(std::uint32_t msr, std::uint64_t value) {
  wrmsr(msr, static_cast<std::uint32_t>(value), static_cast<std::uint32_t>(value >> 32));
}

[[gnu::always_inline]] inline void wrmsr_ns(std::uint32_t msr, std::uint64_t value) {
  asm volatile(ALTPV_MSR_WRMSR_NS_SITE
               :
               : "c"(msr), "a"(static_cast<std::uint32_t>(value)),
                 "d"(static_cast<std::uint32_t>(value >> 32))
               : "memory");
}

[[gnu::always_inline]] inline std::uint64_t rdmsr(std::uint32_t msr) {
  std::uint32_t lo, hi;
  asm volatile(ALTPV_MSR_RDMSR_SITE : "=a"(lo), "=d"(hi) : "c"(msr));
  return lo | std::uint64_t{hi} << 32;
}

[[gnu::always_inline]] inline int wrmsr_safe(std::uint32_t msr, std::uint64_t value) {
  std::uint32_t status = static_cast<std::uint32_t>(value);
  asm volatile(ALTPV_MSR_WRMSR_SAFE_SITE
               : "+a"(status)
               : "c"(msr), "d"(static_cast<std::uint32_t>(value >> 32)), [err] "i"(kMsrFault)
               : "cc", "memory");
  return static_cast<int>(status);
}

[[gnu::always_inline]] inline int wrmsr_ns_safe(std::uint32_t msr, std::uint64_t value) {
  std::uint32_t status = static_cast<std::uint32_t>(value);
  asm volatile(ALTPV_MSR_WRMSR_NS_SAFE_SITE
               : "+a"(status)
               : "c"(msr), "d"(static_cast<std::uint32_t>(value >> 32)), [err] "i"(kMsrFault)
               : "cc", "memory");
  return static_cast<int>(status);
}

[[gnu::always_inline]] inline int rdmsr_safe(std::uint32_t msr, std::uint64_t* value) {
  std::uint32_t lo, hi, status = msr;
  asm volatile(ALTPV_MSR_RDMSR_SAFE_SITE
               : "=a"(lo), "=d"(hi), "+c"(status)
               : [err] "i"(kMsrFault)
               : "cc");
  *value = lo | std::uint64_t{hi} << 32;
  return static_cast<int>(status);
}

// ---- Constant index -------------------------------------------------------

template <std::uint32_t I>
[[gnu::always_inline]] inline void wrmsr(Msr<I>, std::uint64_t value) {
  asm volatile(ALTPV_MSR_WRMSR_CONST_SITE
               :
               : "a"(value), [msr] "i"(I)
               : "rcx", "rdx", "cc", "memory");
}

template <std::uint32_t I>
[[gnu::always_inline]] inline void wrmsr_ns(Msr<I>, std::uint64_t value) {
  asm volatile(ALTPV_MSR_WRMSR_NS_CONST_SITE
               :
               : "a"(value), [msr] "i"(I)
               : "rcx", "rdx", "cc", "memory");
}

template <std::uint32_t I>
[[gnu::always_inline]] inline std::uint64_t rdmsr(Msr<I>) {
  std::uint64_t value;
  asm volatile(ALTPV_MSR_RDMSR_CONST_SITE : "=a"(value) : [msr] "i"(I) : "rcx", "rdx", "cc");
  return value;
}

template <std::uint32_t I>
[[gnu::always_inline]] inline int wrmsr_safe(Msr<I>, std::uint64_t value) {
  asm volatile(ALTPV_MSR_WRMSR_SAFE_CONST_SITE
               : "+a"(value)
               : [msr] "i"(I), [err] "i"(kMsrFault)
               : "rcx", "rdx", "cc", "memory");
  return static_cast<int>(value);
}

template <std::uint32_t I>
[[gnu::always_inline]] inline int wrmsr_ns_safe(Msr<I>, std::uint64_t value) {
  asm volatile(ALTPV_MSR_WRMSR_NS_SAFE_CONST_SITE
               : "+a"(value)
               : [msr] "i"(I), [err] "i"(kMsrFault)
               : "rcx", "rdx", "cc", "memory");
  return static_cast<int>(value);
}

template <std::uint32_t I>
[[gnu::always_inline]] inline int rdmsr_safe(Msr<I>, std::uint64_t* value) {
  std::uint32_t status;
  asm volatile(ALTPV_MSR_RDMSR_SAFE_CONST_SITE
               : "=a"(*value), "=c"(status)
               : [msr] "i"(I), [err] "i"(kMsrFault)
               : "rdx", "cc");
  return static_cast<int>(status);
}

}  // namespace altpv
