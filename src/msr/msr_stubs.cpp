// One native-ABI stub per MSR site shape, and the C++ side of each: unpack
// the site's registers, ask the MsrHandler, write the outputs back where the
// native instruction (or the site's native sequence) would leave them.
#include "altpv/msr.h"
#include "altpv/msr_backend.h"
#include "altpv/native_abi.h"

namespace altpv {
namespace {

MsrHandler* g_handler = nullptr;

std::uint32_t lo32(std::uint64_t v) {
  return static_cast<std::uint32_t>(v);
}

std::uint64_t edx_eax(const NativeRegs& r) {
  return lo32(r.rax) | std::uint64_t{lo32(r.rdx)} << 32;
}

// Replays a refused access natively, so that it faults exactly as the
// unpatched site would have.
void native_wrmsr(std::uint32_t msr, std::uint64_t value) {
  asm volatile("wrmsr" : : "c"(msr), "a"(lo32(value)), "d"(lo32(value >> 32)) : "memory");
}

std::uint64_t native_rdmsr(std::uint32_t msr) {
  std::uint32_t lo, hi;
  asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
  return lo | std::uint64_t{hi} << 32;
}

bool handler_write(std::uint32_t msr, std::uint64_t value, bool serialising) {
  return g_handler != nullptr && g_handler->write(msr, value, serialising);
}

bool handler_read(std::uint32_t msr, std::uint64_t* value) {
  return g_handler != nullptr && g_handler->read(msr, value);
}

std::uint64_t status_bits(bool ok) {
  return ok ? 0 : lo32(static_cast<std::uint64_t>(kMsrFault));
}

}  // namespace

void set_msr_handler(MsrHandler* handler) {
  g_handler = handler;
}

}  // namespace altpv

using altpv::NativeRegs;

extern "C" {

void altpv_msr_handle_wrmsr(NativeRegs* r) {
  const auto msr = altpv::lo32(r->rcx);
  const std::uint64_t value = altpv::edx_eax(*r);
  if (!altpv::handler_write(msr, value, true)) altpv::native_wrmsr(msr, value);
}

void altpv_msr_handle_wrmsr_ns(NativeRegs* r) {
  const auto msr = altpv::lo32(r->rcx);
  const std::uint64_t value = altpv::edx_eax(*r);
  if (!altpv::handler_write(msr, value, false)) altpv::native_wrmsr(msr, value);
}

// RDMSR: edx:eax with the upper halves of rax and rdx zeroed.
void altpv_msr_handle_rdmsr(NativeRegs* r) {
  const auto msr = altpv::lo32(r->rcx);
  std::uint64_t value;
  if (!altpv::handler_read(msr, &value)) value = altpv::native_rdmsr(msr);
  r->rax = altpv::lo32(value);
  r->rdx = value >> 32;
}

// The constant-index read sequence leaves the value in rax and hi << 32 in rdx.
void altpv_msr_handle_rdmsr64(NativeRegs* r) {
  const auto msr = altpv::lo32(r->rcx);
  std::uint64_t value;
  if (!altpv::handler_read(msr, &value)) value = altpv::native_rdmsr(msr);
  r->rax = value;
  r->rdx = value >> 32 << 32;
}

void altpv_msr_handle_wrmsr_safe(NativeRegs* r) {
  r->rax = altpv::status_bits(altpv::handler_write(altpv::lo32(r->rcx), altpv::edx_eax(*r), true));
}

void altpv_msr_handle_wrmsr_ns_safe(NativeRegs* r) {
  r->rax = altpv::status_bits(altpv::handler_write(altpv::lo32(r->rcx), altpv::edx_eax(*r), false));
}

void altpv_msr_handle_rdmsr_safe(NativeRegs* r) {
  std::uint64_t value = 0;
  const bool ok = altpv::handler_read(altpv::lo32(r->rcx), &value);
  if (!ok) value = 0;
  r->rax = altpv::lo32(value);
  r->rdx = value >> 32;
  r->rcx = altpv::status_bits(ok);
}

void altpv_msr_handle_rdmsr64_safe(NativeRegs* r) {
  std::uint64_t value = 0;
  const bool ok = altpv::handler_read(altpv::lo32(r->rcx), &value);
  r->rax = ok ? value : 0;
  if (ok) r->rdx = value >> 32 << 32;
  r->rcx = altpv::status_bits(ok);
}

// Stubs: declared here, defined by ALTPV_NATIVE_STUB below.
extern const char altpv_msr_stub_wrmsr[], altpv_msr_stub_wrmsr_ns[], altpv_msr_stub_rdmsr[],
    altpv_msr_stub_rdmsr64[], altpv_msr_stub_wrmsr_safe[], altpv_msr_stub_wrmsr_ns_safe[],
    altpv_msr_stub_rdmsr_safe[], altpv_msr_stub_rdmsr64_safe[];
}

ALTPV_NATIVE_STUB(altpv_msr_stub_wrmsr, altpv_msr_handle_wrmsr);
ALTPV_NATIVE_STUB(altpv_msr_stub_wrmsr_ns, altpv_msr_handle_wrmsr_ns);
ALTPV_NATIVE_STUB(altpv_msr_stub_rdmsr, altpv_msr_handle_rdmsr);
ALTPV_NATIVE_STUB(altpv_msr_stub_rdmsr64, altpv_msr_handle_rdmsr64);
ALTPV_NATIVE_STUB(altpv_msr_stub_wrmsr_safe, altpv_msr_handle_wrmsr_safe);
ALTPV_NATIVE_STUB(altpv_msr_stub_wrmsr_ns_safe, altpv_msr_handle_wrmsr_ns_safe);
ALTPV_NATIVE_STUB(altpv_msr_stub_rdmsr_safe, altpv_msr_handle_rdmsr_safe);
ALTPV_NATIVE_STUB(altpv_msr_stub_rdmsr64_safe, altpv_msr_handle_rdmsr64_safe);

namespace altpv {

const void* MsrBackend::stub(std::uint16_t op, std::uint32_t constant, bool has_constant,
                             AltKind kind) const {
  // The stubs in this build return the way this build's sites call.
  if (static_cast<unsigned>(kind) != ALTPV_CALL_KIND) return nullptr;
  if (has_constant) {
    for (const Specialised& s : specialised_) {
      if (s.op == op && s.msr == constant) return s.stub;
    }
  }
  switch (op) {
    case ALTPV_OP_WRMSR:
      return altpv_msr_stub_wrmsr;
    case ALTPV_OP_WRMSR_NS:
      return altpv_msr_stub_wrmsr_ns;
    case ALTPV_OP_RDMSR:
      return altpv_msr_stub_rdmsr;
    case ALTPV_OP_RDMSR64:
      return altpv_msr_stub_rdmsr64;
    case ALTPV_OP_WRMSR_SAFE:
      return altpv_msr_stub_wrmsr_safe;
    case ALTPV_OP_WRMSR_NS_SAFE:
      return altpv_msr_stub_wrmsr_ns_safe;
    case ALTPV_OP_RDMSR_SAFE:
      return altpv_msr_stub_rdmsr_safe;
    case ALTPV_OP_RDMSR64_SAFE:
      return altpv_msr_stub_rdmsr64_safe;
    default:
      return nullptr;
  }
}

}  // namespace altpv
