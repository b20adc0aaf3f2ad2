// SPDX-License-Identifier: MIT
// The hosted stub flavour preserves vector state: a handler that wipes every
// vector register (as compiled C++ may, e.g. in memcpy) leaves the site's
// xmm0-15 (and the upper ymm halves) as they were.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

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

namespace {

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
