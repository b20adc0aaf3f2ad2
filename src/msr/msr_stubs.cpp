// SPDX-License-Identifier: MIT
// One lean native-ABI stub per MSR op and site shape (msr_backend.h), and
// the C++ handlers they call: ask the MsrHandler, replay the native
// instruction when it refuses a plain access.
#include "altpv/msr.h"
#include "altpv/msr_backend.h"

namespace altpv {
namespace {

MsrHandler* g_handler = nullptr;

std::uint32_t lo32(std::uint64_t v) {
  return static_cast<std::uint32_t>(v);
}

std::uint64_t status_bits(bool ok) {
  return ok ? 0 : lo32(static_cast<std::uint64_t>(kMsrFault));
}

// The native instructions, for Fault replays and Native pass-through. Raw
// asm, not sites: a site here would be patched to call this very stub.
void native_wrmsr(std::uint32_t msr, std::uint64_t value) {
  asm volatile("wrmsr" : : "c"(msr), "a"(lo32(value)), "d"(lo32(value >> 32)) : "memory");
}

std::uint64_t native_rdmsr(std::uint32_t msr) {
  std::uint32_t lo, hi;
  asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
  return lo | std::uint64_t{hi} << 32;
}

// The _safe forms resume through the exception table like msr.h's sites.
bool native_wrmsr_safe(std::uint32_t msr, std::uint64_t value) {
  std::uint32_t status = lo32(value);
  asm volatile(
      "8860: wrmsr; xor %%eax, %%eax; 8861:\n"
      ".pushsection altpv_fixup, \"ax\"\n 8862: mov %[err], %%eax; jmp 8861b\n "
      ".popsection\n" ALTPV_EXTABLE(8860b, 8861b, 8862b)
      : "+a"(status)
      : "c"(msr), "d"(lo32(value >> 32)), [err] "i"(kMsrFault)
      : "cc", "memory");
  return status == 0;
}

bool native_rdmsr_safe(std::uint32_t msr, std::uint64_t* value) {
  std::uint32_t lo, hi, status = msr;
  asm volatile(
      "8860: rdmsr; xor %%ecx, %%ecx; 8861:\n"
      ".pushsection altpv_fixup, \"ax\"\n 8862: xor %%eax, %%eax; xor %%edx, %%edx\n"
      " mov %[err], %%ecx; jmp 8861b\n .popsection\n" ALTPV_EXTABLE(8860b, 8861b, 8862b)
      : "=a"(lo), "=d"(hi), "+c"(status)
      : [err] "i"(kMsrFault)
      : "cc");
  *value = lo | std::uint64_t{hi} << 32;
  return status == 0;
}

MsrAccess ask_write(std::uint32_t msr, std::uint64_t value, bool serialising) {
  return g_handler != nullptr ? g_handler->write(msr, value, serialising) : MsrAccess::Native;
}

MsrAccess ask_read(std::uint32_t msr, std::uint64_t* value) {
  return g_handler != nullptr ? g_handler->read(msr, value) : MsrAccess::Native;
}

void write(std::uint32_t msr, std::uint64_t value, bool serialising) {
  if (ask_write(msr, value, serialising) != MsrAccess::Done) native_wrmsr(msr, value);
}

bool write_safe(std::uint32_t msr, std::uint64_t value, bool serialising) {
  switch (ask_write(msr, value, serialising)) {
    case MsrAccess::Done:
      return true;
    case MsrAccess::Fault:
      return false;
    case MsrAccess::Native:
      break;
  }
  return native_wrmsr_safe(msr, value);
}

MsrHalves read(std::uint32_t msr) {
  std::uint64_t value = 0;
  if (ask_read(msr, &value) != MsrAccess::Done) value = native_rdmsr(msr);
  return {lo32(value), value >> 32};
}

MsrSafeRead read_safe(std::uint32_t msr) {
  std::uint64_t value = 0;
  bool ok = true;
  switch (ask_read(msr, &value)) {
    case MsrAccess::Done:
      break;
    case MsrAccess::Fault:
      value = 0;
      ok = false;
      break;
    case MsrAccess::Native:
      ok = native_rdmsr_safe(msr, &value);
      break;
  }
  return {value, status_bits(ok)};
}

}  // namespace

void set_msr_handler(MsrHandler* handler) {
  g_handler = handler;
}

}  // namespace altpv

extern "C" {

void altpv_msr_handle_wrmsr(std::uint32_t msr, std::uint64_t value) noexcept {
  altpv::write(msr, value, true);
}
void altpv_msr_handle_wrmsr_ns(std::uint32_t msr, std::uint64_t value) noexcept {
  altpv::write(msr, value, false);
}
std::uint64_t altpv_msr_handle_wrmsr_safe(std::uint32_t msr, std::uint64_t value) noexcept {
  return altpv::status_bits(altpv::write_safe(msr, value, true));
}
std::uint64_t altpv_msr_handle_wrmsr_ns_safe(std::uint32_t msr, std::uint64_t value) noexcept {
  return altpv::status_bits(altpv::write_safe(msr, value, false));
}
altpv::MsrHalves altpv_msr_handle_rdmsr(std::uint32_t msr) noexcept {
  return altpv::read(msr);
}
altpv::MsrSafeRead altpv_msr_handle_rdmsr_safe(std::uint32_t msr) noexcept {
  return altpv::read_safe(msr);
}

// Stubs: declared here, defined by the ALTPV_MSR_STUB_* shapes below.
extern const char altpv_msr_stub_wrmsr[], altpv_msr_stub_wrmsr_const[], altpv_msr_stub_wrmsr_ns[],
    altpv_msr_stub_wrmsr_ns_const[], altpv_msr_stub_wrmsr_safe[], altpv_msr_stub_wrmsr_safe_const[],
    altpv_msr_stub_wrmsr_ns_safe[], altpv_msr_stub_wrmsr_ns_safe_const[], altpv_msr_stub_rdmsr[],
    altpv_msr_stub_rdmsr64[], altpv_msr_stub_rdmsr_safe[], altpv_msr_stub_rdmsr64_safe[];
}

ALTPV_MSR_STUB_WRITE(altpv_msr_stub_wrmsr, altpv_msr_handle_wrmsr);
ALTPV_MSR_STUB_WRITE_CONST(altpv_msr_stub_wrmsr_const, altpv_msr_handle_wrmsr);
ALTPV_MSR_STUB_WRITE(altpv_msr_stub_wrmsr_ns, altpv_msr_handle_wrmsr_ns);
ALTPV_MSR_STUB_WRITE_CONST(altpv_msr_stub_wrmsr_ns_const, altpv_msr_handle_wrmsr_ns);
ALTPV_MSR_STUB_WRITE_SAFE(altpv_msr_stub_wrmsr_safe, altpv_msr_handle_wrmsr_safe);
ALTPV_MSR_STUB_WRITE_SAFE_CONST(altpv_msr_stub_wrmsr_safe_const, altpv_msr_handle_wrmsr_safe);
ALTPV_MSR_STUB_WRITE_SAFE(altpv_msr_stub_wrmsr_ns_safe, altpv_msr_handle_wrmsr_ns_safe);
ALTPV_MSR_STUB_WRITE_SAFE_CONST(altpv_msr_stub_wrmsr_ns_safe_const, altpv_msr_handle_wrmsr_ns_safe);
ALTPV_MSR_STUB_READ(altpv_msr_stub_rdmsr, altpv_msr_handle_rdmsr);
ALTPV_MSR_STUB_READ_CONST(altpv_msr_stub_rdmsr64, altpv_msr_handle_rdmsr);
ALTPV_MSR_STUB_READ_SAFE(altpv_msr_stub_rdmsr_safe, altpv_msr_handle_rdmsr_safe);
ALTPV_MSR_STUB_READ_SAFE_CONST(altpv_msr_stub_rdmsr64_safe, altpv_msr_handle_rdmsr_safe);

namespace altpv {

bool MsrBackend::ready() const {
  return g_handler != nullptr;
}

const void* MsrBackend::stub(std::uint16_t op, std::uint32_t, bool has_constant,
                             AltKind kind) const {
  // The stubs in this build return the way this build's sites call.
  if (static_cast<unsigned>(kind) != ALTPV_CALL_KIND) return nullptr;
  // Constant-index sites load ecx and edx themselves, so their stubs may
  // lose both; only constant-index sites read into rax whole.
  switch (op) {
    case ALTPV_OP_WRMSR:
      return has_constant ? altpv_msr_stub_wrmsr_const : altpv_msr_stub_wrmsr;
    case ALTPV_OP_WRMSR_NS:
      return has_constant ? altpv_msr_stub_wrmsr_ns_const : altpv_msr_stub_wrmsr_ns;
    case ALTPV_OP_WRMSR_SAFE:
      return has_constant ? altpv_msr_stub_wrmsr_safe_const : altpv_msr_stub_wrmsr_safe;
    case ALTPV_OP_WRMSR_NS_SAFE:
      return has_constant ? altpv_msr_stub_wrmsr_ns_safe_const : altpv_msr_stub_wrmsr_ns_safe;
    case ALTPV_OP_RDMSR:
      return has_constant ? nullptr : altpv_msr_stub_rdmsr;
    case ALTPV_OP_RDMSR64:
      return has_constant ? altpv_msr_stub_rdmsr64 : nullptr;
    case ALTPV_OP_RDMSR_SAFE:
      return has_constant ? nullptr : altpv_msr_stub_rdmsr_safe;
    case ALTPV_OP_RDMSR64_SAFE:
      return has_constant ? altpv_msr_stub_rdmsr64_safe : nullptr;
    default:
      return nullptr;
  }
}

SiteCode MsrBackend::code(const CallSite& site) const {
  if (static_cast<unsigned>(site.kind) != ALTPV_CALL_KIND) return SiteCode::none();
  if (site.has_constant) {
    for (const Specialised& s : specialised_) {
      if (s.op == site.op && s.msr == site.constant) {
        return s.bare ? SiteCode::bare_call(s.stub) : SiteCode::call(s.stub);
      }
    }
  }
  return SiteCode::call(stub(site.op, site.constant, site.has_constant, site.kind));
}

}  // namespace altpv
