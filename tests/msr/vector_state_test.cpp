// SPDX-License-Identifier: MIT
// The hosted stub flavour preserves vector state: a handler that wipes every
// vector register (as compiled C++ may, e.g. in memcpy) leaves the site's
// ymm0-15 as they were and, where the CPU has AVX-512, all 512 bits of
// zmm0-31 and the opmask registers k0-7 (the stub's XSAVE mask covers them).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "altpv/native_abi.h"

extern "C" void wipe_vectors(altpv::NativeRegs*) {
  asm volatile("vzeroall" ::: "memory");
}
extern "C" const char wipe_stub[];
ALTPV_NATIVE_STUB(wipe_stub, wipe_vectors);

// The same wipe without a stub around it, returning the way hosted stubs do.
extern "C" const char wipe_vectors_rz[];
asm(".pushsection .text\n wipe_vectors_rz:\n vzeroall\n ret $128\n .popsection\n");

// Loads ymm0-15 from `in`, calls `stub` the hosted way, stores them to `out`.
extern "C" void call_with_vectors(const void* in, void* out, const void* stub);
asm(".pushsection .text\n .globl call_with_vectors\n call_with_vectors:\n"
    " push %rsi\n push %rdx\n"
    " vmovdqu 0(%rdi), %ymm0\n vmovdqu 32(%rdi), %ymm1\n vmovdqu 64(%rdi), %ymm2\n"
    " vmovdqu 96(%rdi), %ymm3\n vmovdqu 128(%rdi), %ymm4\n vmovdqu 160(%rdi), %ymm5\n"
    " vmovdqu 192(%rdi), %ymm6\n vmovdqu 224(%rdi), %ymm7\n vmovdqu 256(%rdi), %ymm8\n"
    " vmovdqu 288(%rdi), %ymm9\n vmovdqu 320(%rdi), %ymm10\n vmovdqu 352(%rdi), %ymm11\n"
    " vmovdqu 384(%rdi), %ymm12\n vmovdqu 416(%rdi), %ymm13\n vmovdqu 448(%rdi), %ymm14\n"
    " vmovdqu 480(%rdi), %ymm15\n"
    " lea -128(%rsp), %rsp\n call *128(%rsp)\n"
    " pop %rdx\n pop %rsi\n"
    " vmovdqu %ymm0, 0(%rsi)\n vmovdqu %ymm1, 32(%rsi)\n vmovdqu %ymm2, 64(%rsi)\n"
    " vmovdqu %ymm3, 96(%rsi)\n vmovdqu %ymm4, 128(%rsi)\n vmovdqu %ymm5, 160(%rsi)\n"
    " vmovdqu %ymm6, 192(%rsi)\n vmovdqu %ymm7, 224(%rsi)\n vmovdqu %ymm8, 256(%rsi)\n"
    " vmovdqu %ymm9, 288(%rsi)\n vmovdqu %ymm10, 320(%rsi)\n vmovdqu %ymm11, 352(%rsi)\n"
    " vmovdqu %ymm12, 384(%rsi)\n vmovdqu %ymm13, 416(%rsi)\n vmovdqu %ymm14, 448(%rsi)\n"
    " vmovdqu %ymm15, 480(%rsi)\n vzeroupper\n ret\n .popsection\n");

// AVX-512: what the handler below wipes and the check compares.
struct Avx512State {
  alignas(64) std::uint8_t zmm[32][64];
  std::uint64_t k[8];
};
static_assert(offsetof(Avx512State, k) == 32 * 64);

// A handler that uses AVX-512 for real: it sets every zmm register and every
// opmask to all ones (and the compiler adds a vzeroupper). Only this
// function is compiled for AVX-512, so the file still runs, and skips, on a
// CPU without it.
extern "C" [[gnu::target("avx512f,avx512bw")]] void wipe_avx512(altpv::NativeRegs*) {
  asm volatile(
      ".irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,"
      "30,31\n vpternlogd $0xff, %%zmm\\i, %%zmm\\i, %%zmm\\i\n .endr\n"
      ".irp i,0,1,2,3,4,5,6,7\n kxnorq %%k\\i, %%k\\i, %%k\\i\n .endr\n" ::
          : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
            "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "xmm16", "xmm17", "xmm18", "xmm19",
            "xmm20", "xmm21", "xmm22", "xmm23", "xmm24", "xmm25", "xmm26", "xmm27", "xmm28",
            "xmm29", "xmm30", "xmm31", "k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7");
}
extern "C" const char wipe_avx512_stub[];
ALTPV_NATIVE_STUB(wipe_avx512_stub, wipe_avx512);

// The same handler without a stub around it, returning the way hosted stubs do.
extern "C" const char wipe_avx512_rz[];
asm(".pushsection .text\n wipe_avx512_rz:\n call wipe_avx512\n ret $128\n .popsection\n");

// Loads zmm0-31 and k0-7 from `in`, calls `stub` the hosted way, stores
// them to `out`.
extern "C" void call_with_avx512(const Avx512State* in, Avx512State* out, const void* stub);
asm(".pushsection .text\n .globl call_with_avx512\n call_with_avx512:\n"
    " push %rsi\n push %rdx\n"
    " .irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,"
    "30,31\n vmovdqu64 \\i*64(%rdi), %zmm\\i\n .endr\n"
    " .irp i,0,1,2,3,4,5,6,7\n kmovq 2048+\\i*8(%rdi), %k\\i\n .endr\n"
    " lea -128(%rsp), %rsp\n call *128(%rsp)\n"
    " pop %rdx\n pop %rsi\n"
    " .irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,"
    "30,31\n vmovdqu64 %zmm\\i, \\i*64(%rsi)\n .endr\n"
    " .irp i,0,1,2,3,4,5,6,7\n kmovq %k\\i, 2048+\\i*8(%rsi)\n .endr\n"
    " vzeroupper\n ret\n .popsection\n");

namespace {

bool has_avx512() {
  // Also checks that the OS enabled the state (XCR0).
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
}

// A different value in every register, none of them all ones.
Avx512State distinct_avx512_state() {
  Avx512State s;
  for (unsigned r = 0; r < 32; ++r) {
    for (unsigned i = 0; i < 64; ++i) s.zmm[r][i] = static_cast<std::uint8_t>(r * 67 + i * 3 + 1);
  }
  for (unsigned r = 0; r < 8; ++r) s.k[r] = (0x0123456789abcdefu * (r + 1)) ^ 0x5a5a;
  return s;
}

// "zmm3 zmm17 k1 " for the registers whose contents differ.
std::string differing_registers(const Avx512State& a, const Avx512State& b) {
  std::string out;
  for (unsigned r = 0; r < 32; ++r) {
    if (std::memcmp(a.zmm[r], b.zmm[r], sizeof a.zmm[r]) != 0) {
      out += "zmm" + std::to_string(r) + " ";
    }
  }
  for (unsigned r = 0; r < 8; ++r) {
    if (a.k[r] != b.k[r]) out += "k" + std::to_string(r) + " ";
  }
  return out;
}

TEST(StubVectorState, HostedStubRestoresZmmAndOpmaskRegisters) {
  if (!has_avx512()) {
    GTEST_SKIP() << "SKIP: this CPU (or OS) lacks AVX-512F/BW: zmm0-31 and k0-7 not checked";
  }
  const Avx512State in = distinct_avx512_state();
  Avx512State out;
  std::memset(&out, 0, sizeof out);
  call_with_avx512(&in, &out, wipe_avx512_stub);
  EXPECT_EQ(differing_registers(in, out), "") << "the stub lost these registers";
}

TEST(StubVectorState, TheCheckSeesEveryZmmAndOpmaskWipe) {
  if (!has_avx512()) {
    GTEST_SKIP() << "SKIP: this CPU (or OS) lacks AVX-512F/BW: zmm0-31 and k0-7 not checked";
  }
  // Without a stub in between, the handler's wipe must show in every
  // register (the compiler ends it with vzeroupper, so zmm0-15 are not all
  // ones, but none holds what it held).
  const Avx512State in = distinct_avx512_state();
  Avx512State out;
  std::memset(&out, 0, sizeof out);
  call_with_avx512(&in, &out, wipe_avx512_rz);
  const std::string wiped = differing_registers(in, out);
  EXPECT_EQ(std::count(wiped.begin(), wiped.end(), ' '), 32 + 8) << "wiped only " << wiped;
}

TEST(StubVectorState, HostedStubRestoresYmmRegisters) {
  if (!__builtin_cpu_supports("avx")) GTEST_SKIP() << "SKIP: this CPU has no AVX";
  std::uint8_t in[512], out[512];
  for (unsigned i = 0; i < sizeof in; ++i) in[i] = static_cast<std::uint8_t>(i * 7 + 1);
  std::memset(out, 0, sizeof out);
  call_with_vectors(in, out, wipe_stub);
  EXPECT_EQ(std::memcmp(in, out, sizeof in), 0);
}

TEST(StubVectorState, TheCheckSeesAWipe) {
  if (!__builtin_cpu_supports("avx")) GTEST_SKIP() << "SKIP: this CPU has no AVX";
  // Without a stub in between, the wipe must show.
  std::uint8_t in[512], out[512];
  std::memset(in, 0xa5, sizeof in);
  call_with_vectors(in, out, wipe_vectors_rz);
  EXPECT_NE(std::memcmp(in, out, sizeof in), 0);
}

}  // namespace
