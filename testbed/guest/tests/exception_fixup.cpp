// SPDX-License-Identifier: MIT
// exception.fixup: an instruction inside a range of the exception table
// (altpv/extable.h) resumes at the range's fixup when it faults, with every
// register as it was at the fault, and the handler records what happened;
// when nothing faults the fixup never runs.
#include "altpv/extable.h"
#include "exception_frame.h"
#include "exception_handler.h"
#include "expect.h"
#include "test_registry.h"

namespace altpv::guest {
namespace {

constexpr std::uint64_t kNonCanonical = 0x8000000000000000;

enum class Load : std::uint64_t { Done = 1, Faulted = 2 };

// Loads *p the way a _safe op does: the fixup (2:) reports the fault.
// `insn` receives the address of the load.
Load guarded_load(std::uint64_t p, std::uint64_t* value, std::uint64_t* insn) {
  std::uint64_t outcome;
  asm volatile(
      "lea 1f(%%rip), %[insn]\n\t"
      "1: mov (%[p]), %[value]\n\t"
      "mov %[done], %[outcome]\n\t"
      "jmp 3f\n\t"
      "2: mov %[faulted], %[outcome]\n\t"
      "3:\n\t" ALTPV_EXTABLE(1b, 2b, 2b)
      : [value] "=&r"(*value), [outcome] "=&r"(outcome), [insn] "=&r"(*insn)
      : [p] "r"(p), [done] "i"(Load::Done), [faulted] "i"(Load::Faulted)
      : "memory");
  return static_cast<Load>(outcome);
}

void exception_fixup() {
  const std::uint64_t fixups = last_fixed_up_exception().count;
  std::uint64_t value = 0, insn = 0;

  // Nothing faults: the fixup does not run and no exception is recorded.
  const std::uint64_t word = 0x5555;
  EXPECT_EQ(guarded_load(reinterpret_cast<std::uintptr_t>(&word), &value, &insn), Load::Done);
  EXPECT_EQ(value, 0x5555u);
  EXPECT_EQ(last_fixed_up_exception().count, fixups);

  // #GP(0): a load from a non-canonical address.
  EXPECT_EQ(guarded_load(kNonCanonical, &value, &insn), Load::Faulted);
  const FixedUpException e = last_fixed_up_exception();
  EXPECT_EQ(e.count, fixups + 1);
  EXPECT_EQ(e.vector, kGeneralProtection);
  EXPECT_EQ(e.error_code, 0u);
  EXPECT_EQ(e.rip, insn);

  // Registers survive the trip through the handler: the faulting load
  // leaves rax, and nothing touches rbx, rsi or rdi.
  std::uint64_t rax = 0x4444, rbx = 0x1111, rsi = 0x2222, rdi = 0x3333;
  asm volatile(
      "1: mov (%[p]), %%rax\n\t"
      "2:\n\t" ALTPV_EXTABLE(1b, 2b, 2b)
      : "+a"(rax), "+b"(rbx), "+S"(rsi), "+D"(rdi)
      : [p] "c"(kNonCanonical)
      : "memory");
  EXPECT_EQ(last_fixed_up_exception().count, fixups + 2);
  EXPECT_EQ(rax, 0x4444u);
  EXPECT_EQ(rbx, 0x1111u);
  EXPECT_EQ(rsi, 0x2222u);
  EXPECT_EQ(rdi, 0x3333u);
}

GUEST_TEST("exception.fixup", exception_fixup);

}  // namespace
}  // namespace altpv::guest
