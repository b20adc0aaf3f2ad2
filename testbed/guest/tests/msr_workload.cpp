// SPDX-License-Identifier: MIT
// msr.workload: every MSR primitive, constant and variable index, over value
// patterns that set each half. Each write is announced before it is made,
// as an `expected_write` record (docs/testbed.md) naming the API form used,
// so the host can compare the VMM's MSR log (order, index, value, and the
// path: trap, emulated-insn or hypercall) with what the CPU model and
// personality imply. Reads must return what was written.
#include "abi/abi.h"
#include "altpv/msr.h"
#include "console.h"
#include "expect.h"
#include "test_registry.h"

namespace altpv::guest {
namespace {

namespace msr = altpv::msr;
namespace testbed = altpv::testbed;

constexpr std::uint64_t kPatterns[] = {
    0, 1, 0xffffffff, 0x100000000, 0x8000000000000001, 0xdeadbeefcafef00d, ~std::uint64_t{0}};

// PAT values must name valid memory types in every byte (else #GP).
constexpr std::uint64_t kPatValues[] = {0x0007040600070406, 0x0000000000000006};

void expect_write(const char* op, std::uint32_t index, std::uint64_t value) {
  JsonLine("expected_write").out().str("op", op).hex("msr", index).hex("value", value);
}

void msr_workload() {
  for (std::uint64_t v : kPatterns) {
    expect_write("wrmsr", 0x40000100, v);
    altpv::wrmsr(0x40000100, v);
    EXPECT_EQ(altpv::rdmsr(0x40000100), v);
    EXPECT_EQ(altpv::rdmsr(testbed::kMsr0), v);

    expect_write("wrmsr_ns", 0x40000101, ~v);
    altpv::wrmsr_ns(0x40000101, ~v);
    EXPECT_EQ(altpv::rdmsr(testbed::kMsr1), ~v);

    expect_write("wrmsr_const", testbed::kMsr2.index, v ^ 0x5555);
    altpv::wrmsr(testbed::kMsr2, v ^ 0x5555);
    EXPECT_EQ(altpv::rdmsr(testbed::kMsr2), v ^ 0x5555);
    EXPECT_EQ(altpv::rdmsr(0x40000102), v ^ 0x5555);

    expect_write("wrmsr_ns_const", testbed::kMsr0.index, v + 3);
    altpv::wrmsr_ns(testbed::kMsr0, v + 3);
    EXPECT_EQ(altpv::rdmsr(0x40000100), v + 3);

    expect_write("wrmsr_lohi", 0x40000103, v);
    altpv::wrmsr(0x40000103, static_cast<std::uint32_t>(v), static_cast<std::uint32_t>(v >> 32));

    std::uint64_t read = 0;
    expect_write("wrmsr_safe", 0x40000101, v);
    EXPECT_EQ(altpv::wrmsr_safe(0x40000101, v), 0);
    EXPECT_EQ(altpv::rdmsr_safe(0x40000101, &read), 0);
    EXPECT_EQ(read, v);
    expect_write("wrmsr_ns_safe_const", testbed::kMsr1.index, ~v);
    EXPECT_EQ(altpv::wrmsr_ns_safe(testbed::kMsr1, ~v), 0);
    EXPECT_EQ(altpv::rdmsr_safe(testbed::kMsr1, &read), 0);
    EXPECT_EQ(read, ~v);
  }
  for (std::uint64_t pat : kPatValues) {
    expect_write("wrmsr_ns_const", msr::kIa32Pat.index, pat);
    altpv::wrmsr_ns(msr::kIa32Pat, pat);
    EXPECT_EQ(altpv::rdmsr(msr::kIa32Pat), pat);
  }
  expect_write("wrmsr_const", msr::kIa32TscAux.index, 7);
  altpv::wrmsr(msr::kIa32TscAux, 7);
  EXPECT_EQ(altpv::rdmsr(msr::kIa32TscAux), 7u);
}

GUEST_TEST_REQUIRES("msr.workload", msr_workload, Testbed);

}  // namespace
}  // namespace altpv::guest
