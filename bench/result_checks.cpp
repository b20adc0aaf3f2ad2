// SPDX-License-Identifier: MIT
#include "result_checks.h"

#include <asm/prctl.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>

// Calls `op` (in rdi) with every register the C ABI lets it clobber holding
// a poison value, so that an op which fails to write its output register
// cannot pass by finding the right value left over there.
extern "C" std::uint64_t altpv_bench_call_poisoned(altpv::bench::OpFunction op);
asm(R"(
  .pushsection .text
  .globl altpv_bench_call_poisoned
  .hidden altpv_bench_call_poisoned
  .type altpv_bench_call_poisoned, @function
altpv_bench_call_poisoned:
  push %rbx                 # callee-saved; also realigns the stack for the call
  mov %rdi, %rbx
  mov $0x7eadbeef, %eax
  mov %rax, %rcx
  mov %rax, %rdx
  mov %rax, %rsi
  mov %rax, %rdi
  mov %rax, %r8
  mov %rax, %r9
  mov %rax, %r10
  mov %rax, %r11
  call *%rbx
  pop %rbx
  ret
  .size altpv_bench_call_poisoned, . - altpv_bench_call_poisoned
  .popsection
)");

namespace altpv::bench {
namespace {

// Pins the thread to the CPU it is on, so the cpu number cannot change
// between an op and its reference; restores the affinity when done.
class PinnedToThisCpu {
 public:
  PinnedToThisCpu() {
    sched_getaffinity(0, sizeof saved_, &saved_);
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(sched_getcpu(), &one);
    sched_setaffinity(0, sizeof one, &one);
  }
  ~PinnedToThisCpu() { sched_setaffinity(0, sizeof saved_, &saved_); }
  PinnedToThisCpu(const PinnedToThisCpu&) = delete;
  PinnedToThisCpu& operator=(const PinnedToThisCpu&) = delete;

 private:
  cpu_set_t saved_{};
};

std::uint64_t kernel_fs_base() {
  unsigned long base = 0;
  syscall(SYS_arch_prctl, ARCH_GET_FS, &base);
  return base;
}

bool expect(std::FILE* err, const Strategy& s, const char* op, std::uint64_t got,
            std::uint64_t want) {
  if (got == want) return true;
  std::fprintf(err, "altpv-bench: result check failed: %s/%s returned %#lx, the kernel says %#lx\n",
               op, s.name, static_cast<unsigned long>(got), static_cast<unsigned long>(want));
  return false;
}

}  // namespace

bool check_results(std::span<const Strategy* const> strategies, bool fs_base, std::FILE* err) {
  const PinnedToThisCpu pin;
  const auto cpu = static_cast<std::uint64_t>(sched_getcpu());
  const std::uint64_t base = kernel_fs_base();
  bool ok = true;
  for (const Strategy* s : strategies) {
    ok &= expect(err, *s, "rdpid", altpv_bench_call_poisoned(s->cpu_number.once), cpu);
    if (fs_base)
      ok &= expect(err, *s, "rdfsbase", altpv_bench_call_poisoned(s->fs_base.once), base);
  }
  return ok;
}

}  // namespace altpv::bench
