// SPDX-License-Identifier: MIT
#include "pv_backend.h"

#include "abi/abi.h"
#include "altpv/msr.h"
#include "altpv/msr_backend.h"
#include "hypercall.h"
#include "pv_cpuid.h"
#include "pv_msr_calls.h"
#include "pv_msr_stubs.h"
#include "pv_privileged.h"

namespace altpv::guest {
namespace {

using altpv::MsrAccess;

// Variable-index sites: the index is known only at run time, so the policy
// is looked up per access.
MsrAccess policy_write(std::uint64_t msr, std::uint64_t value) {
  switch (policy_of(static_cast<std::uint32_t>(msr))) {
    case MsrPolicy::Hypercall:
      return hypercall_write(msr, value);
    case MsrPolicy::PassThrough:
      return MsrAccess::Native;
    case MsrPolicy::DropWrites:
      return MsrAccess::Done;
  }
  return MsrAccess::Fault;
}

MsrAccess policy_read(std::uint64_t msr, std::uint64_t* value) {
  return policy_of(static_cast<std::uint32_t>(msr)) == MsrPolicy::PassThrough
             ? MsrAccess::Native
             : hypercall_read(msr, value);
}

// The _safe variable-index ops go through the library's stubs, whose
// handlers replay a refused access with the exception table.
class HypercallMsrHandler final : public altpv::MsrHandler {
 public:
  MsrAccess write(std::uint32_t msr, std::uint64_t value, bool) noexcept override {
    return policy_write(msr, value);
  }
  MsrAccess read(std::uint32_t msr, std::uint64_t* value) noexcept override {
    return policy_read(msr, value);
  }
};

constinit HypercallMsrHandler handler;

std::uint32_t lo32(std::uint64_t v) {
  return static_cast<std::uint32_t>(v);
}

constexpr std::uint64_t kFaultStatus = static_cast<std::uint32_t>(altpv::kMsrFault);

}  // namespace
}  // namespace altpv::guest

// The generic path: preserving stubs (msr_backend.h) around C++ handlers
// that keep every register themselves, so neither the stub nor the handler
// saves a register the handler does not touch.
extern "C" {

void guest_pv_replay_wrmsr(std::uint64_t msr, std::uint64_t value) noexcept {
  asm volatile("wrmsr"
               :
               : "c"(msr), "a"(altpv::guest::lo32(value)), "d"(altpv::guest::lo32(value >> 32))
               : "memory");
}

altpv::MsrHalves guest_pv_replay_rdmsr(std::uint64_t msr) noexcept {
  std::uint32_t lo, hi;
  asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
  return {lo, hi};
}

// Plain variable-index ops: the policy per access, inlined.
[[ALTPV_PRESERVING_HANDLER]] void guest_pv_write(std::uint64_t msr, std::uint64_t value) noexcept {
  if (altpv::guest::policy_write(msr, value) != altpv::MsrAccess::Done) {
    guest_pv_replay_wrmsr(msr, value);
  }
}

[[ALTPV_PRESERVING_HANDLER]] altpv::MsrHalves guest_pv_read(std::uint64_t msr) noexcept {
  std::uint64_t value = 0;
  if (altpv::guest::policy_read(msr, &value) != altpv::MsrAccess::Done) {
    return guest_pv_replay_rdmsr(msr);
  }
  return {altpv::guest::lo32(value), value >> 32};
}

// Constant-index sites whose MSR goes to the hypervisor: the policy was
// decided when the site was patched, so these only make the hypercall.
[[ALTPV_PRESERVING_HANDLER]] void guest_pv_hypercall_write(std::uint64_t msr,
                                                           std::uint64_t value) noexcept {
  if (altpv::guest::hypercall_write(msr, value) != altpv::MsrAccess::Done) {
    guest_pv_replay_wrmsr(msr, value);
  }
}

[[ALTPV_PRESERVING_HANDLER]] std::uint64_t guest_pv_hypercall_write_safe(
    std::uint64_t msr, std::uint64_t value) noexcept {
  return altpv::guest::hypercall_write(msr, value) == altpv::MsrAccess::Done
             ? 0
             : altpv::guest::kFaultStatus;
}

[[ALTPV_PRESERVING_HANDLER]] altpv::MsrRead64 guest_pv_hypercall_read(std::uint64_t msr) noexcept {
  std::uint64_t value = 0;
  if (altpv::guest::hypercall_read(msr, &value) != altpv::MsrAccess::Done) {
    const altpv::MsrHalves h = guest_pv_replay_rdmsr(msr);
    value = h.eax | h.edx << 32;
  }
  // rdx is the site's clobber: leaving the value there too costs nothing.
  return {value, value};
}

[[ALTPV_PRESERVING_HANDLER]] altpv::MsrSafeRead guest_pv_hypercall_read_safe(
    std::uint64_t msr) noexcept {
  std::uint64_t value = 0;
  const bool ok = altpv::guest::hypercall_read(msr, &value) == altpv::MsrAccess::Done;
  return {ok ? value : 0, ok ? 0 : altpv::guest::kFaultStatus};
}

extern const char guest_pv_stub_var_write[], guest_pv_stub_var_read[];
extern const char guest_pv_stub_write[], guest_pv_stub_write_safe[], guest_pv_stub_read64[],
    guest_pv_stub_read64_safe[];
}

ALTPV_MSR_PRESERVING_STUB_WRITE(guest_pv_stub_var_write, guest_pv_write);
ALTPV_MSR_PRESERVING_STUB_READ(guest_pv_stub_var_read, guest_pv_read);
ALTPV_MSR_PRESERVING_STUB_WRITE_CONST(guest_pv_stub_write, guest_pv_hypercall_write);
ALTPV_MSR_PRESERVING_STUB_WRITE_CONST(guest_pv_stub_write_safe, guest_pv_hypercall_write_safe);
ALTPV_MSR_PRESERVING_STUB_READ(guest_pv_stub_read64, guest_pv_hypercall_read);
ALTPV_MSR_PRESERVING_STUB_READ_SAFE_CONST(guest_pv_stub_read64_safe, guest_pv_hypercall_read_safe);

namespace altpv::guest {
namespace {

constinit altpv::MsrBackend library_msr_backend;

bool is_write(std::uint16_t op) {
  return op == ALTPV_OP_WRMSR || op == ALTPV_OP_WRMSR_NS || op == ALTPV_OP_WRMSR_SAFE ||
         op == ALTPV_OP_WRMSR_NS_SAFE;
}

bool is_safe(std::uint16_t op) {
  return op == ALTPV_OP_WRMSR_SAFE || op == ALTPV_OP_WRMSR_NS_SAFE || op == ALTPV_OP_RDMSR_SAFE ||
         op == ALTPV_OP_RDMSR64_SAFE;
}

bool is_msr_op(std::uint16_t op) {
  return op >= ALTPV_OP_WRMSR && op <= ALTPV_OP_RDMSR64_SAFE;
}

// A dropped _safe write reports success, as the native instruction's
// sequence does: `xor %eax, %eax`.
constexpr std::uint8_t kXorEax[] = {0x31, 0xc0};

// Constant-index sites of an MSR that goes to the hypervisor: the generic
// stubs with the hypercall handlers above.
const void* generic_hypercall_stub(std::uint16_t op) {
  switch (op) {
    case ALTPV_OP_WRMSR:
    case ALTPV_OP_WRMSR_NS:
      return guest_pv_stub_write;
    case ALTPV_OP_WRMSR_SAFE:
    case ALTPV_OP_WRMSR_NS_SAFE:
      return guest_pv_stub_write_safe;
    case ALTPV_OP_RDMSR64:
      return guest_pv_stub_read64;
    case ALTPV_OP_RDMSR64_SAFE:
      return guest_pv_stub_read64_safe;
    default:
      return nullptr;
  }
}

// Variable-index sites: the guest's stubs for the plain ops, the library's
// for the _safe ones.
altpv::SiteCode variable_index_code(const altpv::CallSite& site) {
  switch (site.op) {
    case ALTPV_OP_WRMSR:
    case ALTPV_OP_WRMSR_NS:
      return altpv::SiteCode::call(guest_pv_stub_var_write);
    case ALTPV_OP_RDMSR:
      return altpv::SiteCode::call(guest_pv_stub_var_read);
    default:
      return library_msr_backend.code(site);
  }
}

// MSR sites: the policy of a constant-index site is decided here, once.
// This guest's own op goes to its stub.
class GuestPvBackend final : public altpv::Backend {
 public:
  altpv::SiteCode code(const altpv::CallSite& site) const override {
    if (site.kind != altpv::AltKind::Call) return altpv::SiteCode::none();
    if (site.op == GUEST_OP_CPUID) return altpv::SiteCode::call(guest_pv_stub_cpuid);
    if (is_privileged_op(site.op)) return pv_privileged_code(site);
    if (!is_msr_op(site.op)) return altpv::SiteCode::none();
    if (!site.has_constant) return variable_index_code(site);
    switch (pv_msr_policy(site.constant)) {
      case MsrPolicy::PassThrough:
        // No code: selection moves on to the native instruction.
        return altpv::SiteCode::none();
      case MsrPolicy::DropWrites:
        if (is_write(site.op)) {
          return is_safe(site.op) ? altpv::SiteCode::inline_bytes(kXorEax, sizeof kXorEax)
                                  : altpv::SiteCode::nops();
        }
        break;
      case MsrPolicy::Hypercall:
        if (const void* stub = hand_written_msr_stub(site.op, site.constant)) {
          return altpv::SiteCode::bare_call(stub);
        }
        break;
    }
    return altpv::SiteCode::call(generic_hypercall_stub(site.op));
  }
  const char* name() const override { return "testbed-pv"; }
};

constinit GuestPvBackend backend;

}  // namespace

MsrPolicy pv_msr_policy(std::uint32_t msr) {
  return policy_of(msr);
}

const altpv::Backend& pv_backend() {
  altpv::set_msr_handler(&handler);
  return backend;
}

}  // namespace altpv::guest
