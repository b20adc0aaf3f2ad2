// SPDX-License-Identifier: MIT
#include "pv_backend.h"

#include "abi/abi.h"
#include "altpv/msr.h"
#include "altpv/msr_backend.h"
#include "altpv/native_abi.h"
#include "hypercall.h"
#include "pv_cpuid.h"

namespace guest {
namespace {

using altpv::MsrAccess;
using altpv::testbed::Hypercall;
using altpv::testbed::HypercallError;

struct PolicyEntry {
  std::uint32_t msr;
  MsrPolicy policy;
};

// Deviations from "every access is a hypercall"; docs/guest.md gives the
// reasons. Anything not listed uses a hypercall.
constexpr PolicyEntry kPolicies[] = {
    // TSC_AUX is virtualised by the VMM's trap path already; a hypercall
    // would only duplicate it.
    {altpv::msr::kIa32TscAux.index, MsrPolicy::PassThrough},
    // Testbed MSR 3 is a trace register: the PV hypervisor keeps no trace.
    {altpv::testbed::kMsr3.index, MsrPolicy::DropWrites},
};

MsrAccess from_status(HypercallError status) {
  return status == HypercallError::Ok ? MsrAccess::Done : MsrAccess::Fault;
}

MsrAccess hypercall_write(std::uint32_t msr, std::uint64_t value) {
  return from_status(hypercall(Hypercall::MsrWrite, msr, value).status);
}

MsrAccess hypercall_read(std::uint32_t msr, std::uint64_t* value) {
  const HypercallResult r = hypercall(Hypercall::MsrRead, msr);
  if (r.ok()) *value = r.value;
  return from_status(r.status);
}

class HypercallMsrHandler final : public altpv::MsrHandler {
 public:
  MsrAccess write(std::uint32_t msr, std::uint64_t value, bool) noexcept override {
    switch (pv_msr_policy(msr)) {
      case MsrPolicy::Hypercall:
        return hypercall_write(msr, value);
      case MsrPolicy::PassThrough:
        return MsrAccess::Native;
      case MsrPolicy::DropWrites:
        return MsrAccess::Done;
    }
    return MsrAccess::Fault;
  }

  MsrAccess read(std::uint32_t msr, std::uint64_t* value) noexcept override {
    return pv_msr_policy(msr) == MsrPolicy::PassThrough ? MsrAccess::Native
                                                        : hypercall_read(msr, value);
  }
};

constinit HypercallMsrHandler handler;

}  // namespace
}  // namespace guest

// Specialised stubs: the site's MSR is known, so there is no policy lookup
// and no dispatch on the index. A refused access replays the native
// instruction, as the generic stubs do.
extern "C" void guest_pv_write_pat(altpv::NativeRegs* r) noexcept {
  const std::uint64_t value = static_cast<std::uint32_t>(r->rax) | r->rdx << 32;
  if (guest::hypercall_write(0x277, value) != altpv::MsrAccess::Done) {
    asm volatile("wrmsr" : : "c"(0x277), "a"(r->rax), "d"(r->rdx) : "memory");
  }
}

extern "C" void guest_pv_read_testbed2(altpv::NativeRegs* r) noexcept {
  std::uint64_t value = 0;
  if (guest::hypercall_read(altpv::testbed::kMsr2.index, &value) != altpv::MsrAccess::Done) {
    std::uint32_t lo, hi;
    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(altpv::testbed::kMsr2.index));
    value = lo | std::uint64_t{hi} << 32;
  }
  r->rax = value;
  r->rdx = value >> 32 << 32;
}

extern "C" const char guest_pv_stub_write_pat[], guest_pv_stub_read_testbed2[];
ALTPV_NATIVE_STUB(guest_pv_stub_write_pat, guest_pv_write_pat);
ALTPV_NATIVE_STUB(guest_pv_stub_read_testbed2, guest_pv_read_testbed2);

namespace guest {
namespace {

const altpv::MsrBackend::Specialised kSpecialised[] = {
    {ALTPV_OP_WRMSR_NS, altpv::msr::kIa32Pat.index, guest_pv_stub_write_pat},
    {ALTPV_OP_RDMSR64, altpv::testbed::kMsr2.index, guest_pv_stub_read_testbed2},
};

// MSR ops go to the MSR backend; this guest's own op to its stub.
class GuestPvBackend final : public altpv::Backend {
 public:
  const void* stub(std::uint16_t op, std::uint32_t constant, bool has_constant,
                   altpv::AltKind kind) const override {
    if (op == GUEST_OP_CPUID) return kind == altpv::AltKind::Call ? guest_pv_stub_cpuid : nullptr;
    return msr_.stub(op, constant, has_constant, kind);
  }
  const char* name() const override { return "testbed-pv"; }

 private:
  altpv::MsrBackend msr_{kSpecialised};
};

constinit GuestPvBackend backend;

}  // namespace

MsrPolicy pv_msr_policy(std::uint32_t msr) {
  for (const PolicyEntry& e : kPolicies) {
    if (e.msr == msr) return e.policy;
  }
  return MsrPolicy::Hypercall;
}

const altpv::Backend& pv_backend() {
  altpv::set_msr_handler(&handler);
  return backend;
}

}  // namespace guest
