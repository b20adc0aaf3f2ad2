// SPDX-License-Identifier: MIT
// exception.handlers and exception.breakpoint: each exception arrives at the
// handler with its own vector, its error code and the rip the architecture
// defines (the instruction for a fault, the next one for a trap). Every
// instruction here lies in an exception-table range whose fixup is the end
// of the range, and the handler records what it saw.
//
// #BP is a case of its own: some KVMs (kvm_pvm) emulate neither int3 nor
// int $3, so it reaches the guest only because the VMM injects it
// (docs/guest.md).
#include "altpv/extable.h"
#include "exception_frame.h"
#include "exception_handler.h"
#include "expect.h"
#include "test_registry.h"

namespace altpv::guest {
namespace {

// Each helper raises one exception and returns the rip the CPU should
// report for it (the lea takes label 1).

std::uint64_t divide_error() {
  std::uint64_t at;
  asm volatile(
      "lea 1f(%%rip), %[at]\n\t"
      "xor %%eax, %%eax\n\t"
      "xor %%edx, %%edx\n\t"
      "xor %%ecx, %%ecx\n\t"
      "1: div %%ecx\n\t"
      "2:\n\t" ALTPV_EXTABLE(1b, 2b, 2b)
      : [at] "=r"(at)
      :
      : "rax", "rcx", "rdx", "cc");
  return at;
}

// A trap: the CPU reports the instruction after int3, so the range covers
// that one.
std::uint64_t breakpoint() {
  std::uint64_t at;
  asm volatile(
      "lea 1f(%%rip), %[at]\n\t"
      "int3\n\t"
      "1: nop\n\t"
      "2:\n\t" ALTPV_EXTABLE(1b, 2b, 2b)
      : [at] "=r"(at));
  return at;
}

// The two-byte form, which the assembler would shorten to int3.
std::uint64_t int_3() {
  std::uint64_t at;
  asm volatile(
      "lea 1f(%%rip), %[at]\n\t"
      ".byte 0xcd, 0x03\n\t"
      "1: nop\n\t"
      "2:\n\t" ALTPV_EXTABLE(1b, 2b, 2b)
      : [at] "=r"(at));
  return at;
}

// ud2 is no instruction the VMM emulates (EmulateInsn says BadArgument), so
// it stays a #UD.
std::uint64_t invalid_opcode() {
  std::uint64_t at;
  asm volatile(
      "lea 1f(%%rip), %[at]\n\t"
      "1: ud2\n\t"
      "2:\n\t" ALTPV_EXTABLE(1b, 2b, 2b)
      : [at] "=r"(at));
  return at;
}

// Selector 0x28 lies beyond the GDT's limit: #GP with the selector as the
// error code.
std::uint64_t bad_selector() {
  std::uint64_t at;
  asm volatile(
      "lea 1f(%%rip), %[at]\n\t"
      "mov $0x28, %%ecx\n\t"
      "1: mov %%ecx, %%ds\n\t"
      "2:\n\t" ALTPV_EXTABLE(1b, 2b, 2b)
      : [at] "=r"(at)
      :
      : "rcx");
  return at;
}

// PML4 entry 1 is not present in the VMM's identity map.
constexpr std::uint64_t kUnmapped = 0x8000000000;

std::uint64_t page_fault() {
  std::uint64_t at;
  asm volatile(
      "lea 1f(%%rip), %[at]\n\t"
      "1: mov (%[p]), %%rax\n\t"
      "2:\n\t" ALTPV_EXTABLE(1b, 2b, 2b)
      : [at] "=&r"(at)
      : [p] "c"(kUnmapped)
      : "rax", "memory");
  return at;
}

void expect_recorded(std::uint64_t rip, std::uint64_t vector, std::uint64_t error_code) {
  const FixedUpException e = last_fixed_up_exception();
  EXPECT_EQ(e.vector, vector);
  EXPECT_EQ(e.error_code, error_code);
  EXPECT_EQ(e.rip, rip);
}

void exception_handlers() {
  const std::uint64_t fixups = last_fixed_up_exception().count;
  expect_recorded(divide_error(), kDivideError, 0);
  expect_recorded(invalid_opcode(), kInvalidOpcode, 0);
  expect_recorded(bad_selector(), kGeneralProtection, 0x28);
  expect_recorded(page_fault(), kPageFault, 0);  // not present, read, supervisor
  EXPECT_EQ(last_fixed_up_exception().cr2, kUnmapped);
  EXPECT_EQ(last_fixed_up_exception().count, fixups + 4);
}

void exception_breakpoint() {
  expect_recorded(breakpoint(), kBreakpoint, 0);
  expect_recorded(int_3(), kBreakpoint, 0);
}

GUEST_TEST("exception.handlers", exception_handlers);
GUEST_TEST("exception.breakpoint", exception_breakpoint);

}  // namespace
}  // namespace altpv::guest
