// SPDX-License-Identifier: MIT
// The hosted stub flavour preserves vector state: a handler that wipes
// vector registers (as compiled C++ may, e.g. in memcpy) leaves the site's
// ymm0-15 as they were and, where the CPU has AVX-512, all 512 bits of
// zmm0-31 and the opmask registers k0-7 (the stub's XSAVE mask covers them).
// Each check has a control: the same handler without the stub must show.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "altpv/native_abi.h"

// The formatter would split the %-codes and labels in this asm text.
// clang-format off

// `stub`: the hosted stub around `handler`; `direct`: the handler alone,
// entered and left the way hosted stubs are (lea -128 / call; ret $128).
#define WIPE_ENTRIES(handler, stub, direct)                                  \
  extern "C" const char stub[], direct[];                                    \
  ALTPV_NATIVE_STUB(stub, handler);                                          \
  asm(".pushsection .text\n " #direct ":\n call " #handler "\n ret $128\n" \
      " .popsection\n")

// Defines `extern "C" void name(const State* in, State* out, const void*
// stub)`: runs asm `load` (registers from rdi), calls `stub` the way a hosted
// site does, then runs asm `store` (registers to rsi).
#define VECTOR_CALLER(name, State, load, store)                                   \
  extern "C" void name(const State* in, State* out, const void* stub);            \
  asm(".pushsection .text\n .globl " #name "\n " #name ":\n push %rsi\n push %rdx\n" \
      load " lea -128(%rsp), %rsp\n call *128(%rsp)\n pop %rdx\n pop %rsi\n"     \
      store " vzeroupper\n ret\n .popsection\n")

#define IRP_0_TO_15 ".irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
#define IRP_0_TO_31 \
  ".irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
#define IRP_0_TO_7 ".irp i,0,1,2,3,4,5,6,7\n"
// clang-format on

// ---- AVX: ymm0-15 --------------------------------------------------------

struct AvxState {
  std::uint8_t ymm[16][32];
};

extern "C" void wipe_avx(altpv::NativeRegs*) {
  asm volatile("vzeroall" ::: "memory");
}
WIPE_ENTRIES(wipe_avx, wipe_avx_stub, wipe_avx_direct);

VECTOR_CALLER(call_with_avx, AvxState, IRP_0_TO_15 " vmovdqu \\i*32(%rdi), %ymm\\i\n .endr\n",
              IRP_0_TO_15 " vmovdqu %ymm\\i, \\i*32(%rsi)\n .endr\n");

// ---- AVX-512: zmm0-31, k0-7 ----------------------------------------------

struct Avx512State {
  std::uint8_t zmm[32][64];
  std::uint64_t k[8];
};
static_assert(offsetof(Avx512State, k) == 32 * 64);

// A handler that uses AVX-512 for real: it sets every zmm register and every
// opmask to all ones (and the compiler adds a vzeroupper). Only this
// function is compiled for AVX-512, so the file still runs, and skips, on a
// CPU without it.
// clang-format off
extern "C" [[gnu::target("avx512f,avx512bw")]] void wipe_avx512(altpv::NativeRegs*) {
  asm volatile(IRP_0_TO_31 " vpternlogd $0xff, %%zmm\\i, %%zmm\\i, %%zmm\\i\n .endr\n"
               IRP_0_TO_7 " kxnorq %%k\\i, %%k\\i, %%k\\i\n .endr\n"
               ::: "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9",
                   "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "xmm16", "xmm17",
                   "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23", "xmm24", "xmm25",
                   "xmm26", "xmm27", "xmm28", "xmm29", "xmm30", "xmm31",
                   "k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7");
}
// clang-format on
WIPE_ENTRIES(wipe_avx512, wipe_avx512_stub, wipe_avx512_direct);

VECTOR_CALLER(call_with_avx512, Avx512State,
              IRP_0_TO_31 " vmovdqu64 \\i*64(%rdi), %zmm\\i\n .endr\n" IRP_0_TO_7
                          " kmovq 2048+\\i*8(%rdi), %k\\i\n .endr\n",
              IRP_0_TO_31 " vmovdqu64 %zmm\\i, \\i*64(%rsi)\n .endr\n" IRP_0_TO_7
                          " kmovq %k\\i, 2048+\\i*8(%rsi)\n .endr\n");

namespace {

// A different value in every byte position of every register, none of them
// all ones (what wipe_avx512 leaves).
template <typename State>
State distinct_state() {
  State s;
  auto* bytes = reinterpret_cast<std::uint8_t*>(&s);
  for (std::size_t i = 0; i < sizeof s; ++i) bytes[i] = static_cast<std::uint8_t>(i * 7 + i / 256);
  return s;
}

// Appends "<name><r> " for each register r of `a` and `b` (arrays of
// same-sized registers) whose contents differ.
template <typename Registers>
void add_differing(std::string& out, const char* name, const Registers& a, const Registers& b) {
  constexpr std::size_t kCount = sizeof a / sizeof a[0];
  for (std::size_t r = 0; r < kCount; ++r) {
    if (std::memcmp(&a[r], &b[r], sizeof a[r]) != 0) out += name + std::to_string(r) + " ";
  }
}

// "ymm3 " or "zmm3 zmm17 k1 ": the registers whose contents differ.
std::string differing(const AvxState& a, const AvxState& b) {
  std::string out;
  add_differing(out, "ymm", a.ymm, b.ymm);
  return out;
}

std::string differing(const Avx512State& a, const Avx512State& b) {
  std::string out;
  add_differing(out, "zmm", a.zmm, b.zmm);
  add_differing(out, "k", a.k, b.k);
  return out;
}

std::size_t count_names(const std::string& names) {
  return static_cast<std::size_t>(std::count(names.begin(), names.end(), ' '));
}

bool has_avx512() {
  // Also checks that the OS enabled the state (XCR0).
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
}

constexpr const char* kNoAvx512 =
    "SKIP: this CPU (or OS) lacks AVX-512F/BW: zmm0-31 and k0-7 not checked";

// The lean stubs (native_abi.h) save the same vector state around the same
// handlers; every caller-saved general register is kept too.
#define LEAN_WIPE_STUB(stub, handler) \
  ALTPV_LEAN_STUB(stub, handler, "rax, rcx, rdx, rsi, rdi, r8, r9, r10, r11", "", "")
extern "C" const char wipe_avx_lean_stub[], wipe_avx512_lean_stub[];
LEAN_WIPE_STUB(wipe_avx_lean_stub, wipe_avx);
LEAN_WIPE_STUB(wipe_avx512_lean_stub, wipe_avx512);

TEST(StubVectorState, LeanHostedStubRestoresYmmRegisters) {
  if (!__builtin_cpu_supports("avx")) GTEST_SKIP() << "SKIP: this CPU has no AVX";
  const auto in = distinct_state<AvxState>();
  AvxState out = {};
  call_with_avx(&in, &out, wipe_avx_lean_stub);
  EXPECT_EQ(differing(in, out), "") << "the stub lost these registers";
}

TEST(StubVectorState, LeanHostedStubRestoresZmmAndOpmaskRegisters) {
  if (!has_avx512()) GTEST_SKIP() << kNoAvx512;
  const auto in = distinct_state<Avx512State>();
  Avx512State out = {};
  call_with_avx512(&in, &out, wipe_avx512_lean_stub);
  EXPECT_EQ(differing(in, out), "") << "the stub lost these registers";
}

TEST(StubVectorState, HostedStubRestoresYmmRegisters) {
  if (!__builtin_cpu_supports("avx")) GTEST_SKIP() << "SKIP: this CPU has no AVX";
  const auto in = distinct_state<AvxState>();
  AvxState out = {};
  call_with_avx(&in, &out, wipe_avx_stub);
  EXPECT_EQ(differing(in, out), "") << "the stub lost these registers";
}

TEST(StubVectorState, TheCheckSeesEveryYmmWipe) {
  if (!__builtin_cpu_supports("avx")) GTEST_SKIP() << "SKIP: this CPU has no AVX";
  const auto in = distinct_state<AvxState>();
  AvxState out = {};
  call_with_avx(&in, &out, wipe_avx_direct);
  EXPECT_EQ(count_names(differing(in, out)), 16u) << "wiped only " << differing(in, out);
}

TEST(StubVectorState, HostedStubRestoresZmmAndOpmaskRegisters) {
  if (!has_avx512()) GTEST_SKIP() << kNoAvx512;
  const auto in = distinct_state<Avx512State>();
  Avx512State out = {};
  call_with_avx512(&in, &out, wipe_avx512_stub);
  EXPECT_EQ(differing(in, out), "") << "the stub lost these registers";
}

TEST(StubVectorState, TheCheckSeesEveryZmmAndOpmaskWipe) {
  if (!has_avx512()) GTEST_SKIP() << kNoAvx512;
  // vzeroupper leaves zmm0-15 not all ones, but none holds what it held.
  const auto in = distinct_state<Avx512State>();
  Avx512State out = {};
  call_with_avx512(&in, &out, wipe_avx512_direct);
  EXPECT_EQ(count_names(differing(in, out)), 32u + 8u) << "wiped only " << differing(in, out);
}

}  // namespace
