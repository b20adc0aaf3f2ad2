// SPDX-License-Identifier: MIT
#include "pv_msr_stubs.h"

#include "abi/abi.h"
#include "altpv/msr.h"
#include "altpv/op_ids.h"

namespace {

using altpv::testbed::Hypercall;
static_assert(static_cast<std::uint32_t>(Hypercall::MsrWrite) == 8);
static_assert(static_cast<std::uint32_t>(Hypercall::MsrRead) == 7);
static_assert(altpv::testbed::kHypercallPort == 0xe0);

}  // namespace

// The MSRs a context switch writes, and the two the figures and the
// workload exercise.
asm(GUEST_PV_MSR_STUB_MACROS
    "guest_pv_msr_write_stub guest_pv_write_pat, 0x277\n"
    "guest_pv_msr_write_stub guest_pv_write_kernel_gs_base, 0xc0000102\n"
    "guest_pv_msr_write_stub guest_pv_write_testbed1, 0x40000101\n"
    "guest_pv_msr_write_stub guest_pv_write_testbed2, 0x40000102\n"
    "guest_pv_msr_read64_stub guest_pv_read_kernel_gs_base, 0xc0000102\n"
    "guest_pv_msr_read64_stub guest_pv_read_testbed2, 0x40000102\n" GUEST_PV_MSR_STUB_PURGE);

extern "C" const char guest_pv_write_pat[], guest_pv_write_kernel_gs_base[],
    guest_pv_write_testbed1[], guest_pv_write_testbed2[], guest_pv_read_kernel_gs_base[],
    guest_pv_read_testbed2[];

namespace altpv::guest {
namespace {

struct HandWritten {
  bool write;  // WRMSR and WRMSR_NS sites; else RDMSR64 sites
  std::uint32_t msr;
  const char* stub;
};

constexpr HandWritten kStubs[] = {
    {true, altpv::msr::kIa32Pat.index, guest_pv_write_pat},
    {true, altpv::msr::kIa32KernelGsBase.index, guest_pv_write_kernel_gs_base},
    {true, altpv::testbed::kMsr1.index, guest_pv_write_testbed1},
    {true, altpv::testbed::kMsr2.index, guest_pv_write_testbed2},
    {false, altpv::msr::kIa32KernelGsBase.index, guest_pv_read_kernel_gs_base},
    {false, altpv::testbed::kMsr2.index, guest_pv_read_testbed2},
};

}  // namespace

const void* hand_written_msr_stub(std::uint16_t op, std::uint32_t msr) {
  const bool write = op == ALTPV_OP_WRMSR || op == ALTPV_OP_WRMSR_NS;
  if (!write && op != ALTPV_OP_RDMSR64) return nullptr;
  for (const HandWritten& h : kStubs) {
    if (h.write == write && h.msr == msr) return h.stub;
  }
  return nullptr;
}

}  // namespace altpv::guest
