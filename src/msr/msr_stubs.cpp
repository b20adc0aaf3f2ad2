// SPDX-License-Identifier: MIT
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

void write(const NativeRegs& r, bool serialising) {
  const std::uint32_t msr = lo32(r.rcx);
  const std::uint64_t value = edx_eax(r);
  if (ask_write(msr, value, serialising) != MsrAccess::Done) native_wrmsr(msr, value);
}

bool write_safe(const NativeRegs& r, bool serialising) {
  const std::uint32_t msr = lo32(r.rcx);
  const std::uint64_t value = edx_eax(r);
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

std::uint64_t read(const NativeRegs& r) {
  const std::uint32_t msr = lo32(r.rcx);
  std::uint64_t value = 0;
  return ask_read(msr, &value) == MsrAccess::Done ? value : native_rdmsr(msr);
}

// The value, or 0 with false on a fault.
bool read_safe(const NativeRegs& r, std::uint64_t* value) {
  const std::uint32_t msr = lo32(r.rcx);
  switch (ask_read(msr, value)) {
    case MsrAccess::Done:
      return true;
    case MsrAccess::Fault:
      *value = 0;
      return false;
    case MsrAccess::Native:
      break;
  }
  return native_rdmsr_safe(msr, value);
}

}  // namespace

void set_msr_handler(MsrHandler* handler) {
  g_handler = handler;
}

}  // namespace altpv

using altpv::NativeRegs;

extern "C" {

void altpv_msr_handle_wrmsr(NativeRegs* r) noexcept {
  altpv::write(*r, true);
}

void altpv_msr_handle_wrmsr_ns(NativeRegs* r) noexcept {
  altpv::write(*r, false);
}

// RDMSR: edx:eax with the upper halves of rax and rdx zeroed.
void altpv_msr_handle_rdmsr(NativeRegs* r) noexcept {
  const std::uint64_t value = altpv::read(*r);
  r->rax = altpv::lo32(value);
  r->rdx = value >> 32;
}

// The constant-index read sequence leaves the value in rax and hi << 32 in rdx.
void altpv_msr_handle_rdmsr64(NativeRegs* r) noexcept {
  const std::uint64_t value = altpv::read(*r);
  r->rax = value;
  r->rdx = value >> 32 << 32;
}

void altpv_msr_handle_wrmsr_safe(NativeRegs* r) noexcept {
  r->rax = altpv::status_bits(altpv::write_safe(*r, true));
}

void altpv_msr_handle_wrmsr_ns_safe(NativeRegs* r) noexcept {
  r->rax = altpv::status_bits(altpv::write_safe(*r, false));
}

void altpv_msr_handle_rdmsr_safe(NativeRegs* r) noexcept {
  std::uint64_t value;
  const bool ok = altpv::read_safe(*r, &value);
  r->rax = altpv::lo32(value);
  r->rdx = value >> 32;
  r->rcx = altpv::status_bits(ok);
}

void altpv_msr_handle_rdmsr64_safe(NativeRegs* r) noexcept {
  std::uint64_t value;
  const bool ok = altpv::read_safe(*r, &value);
  r->rax = value;
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

bool MsrBackend::ready() const {
  return g_handler != nullptr;
}

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
