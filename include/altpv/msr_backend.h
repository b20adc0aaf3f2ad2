// SPDX-License-Identifier: MIT
// The paravirtual side of the MSR API: lean native-ABI stubs for every MSR
// site shape, the C-ABI handlers they call, and a Backend that hands them to
// the engine.
//
// Under PV every MSR site calls a stub (native_abi.h). The stub saves only
// the registers the site must keep and the handler may clobber, passes the
// index and value as C arguments, and puts the handler's results where the
// native instruction (or the site's native sequence) leaves them. The
// library's own handlers ask the MsrHandler; when it refuses a plain (non-
// _safe) access, the native instruction is replayed, so the fault the caller
// sees is the real one. For _safe ops a refusal is reported exactly as the
// native fixup reports a #GP (msr.h).
//
// A backend may also use the stub shapes below with handlers of its own (for
// example one per policy, chosen per site constant at patch time), hand the
// engine hand-written stubs for one MSR, or inline bytes (backend.h).
#pragma once

#include <cstdint>
#include <span>

#include "altpv/backend.h"
#include "altpv/native_abi.h"

namespace altpv {

enum class MsrAccess : std::uint8_t { Done, Fault, Native };

// What a paravirtualising environment implements. Called with the C ABI from
// the library's handlers, never from a site directly.
class MsrHandler {
 public:
  virtual MsrAccess write(std::uint32_t msr, std::uint64_t value, bool serialising) noexcept = 0;
  virtual MsrAccess read(std::uint32_t msr, std::uint64_t* value) noexcept = 0;

 protected:
  ~MsrHandler() = default;
};

// The handler the library's stubs call; set it before patching in the stubs.
void set_msr_handler(MsrHandler* handler);

// What the handlers of the stub shapes return: RDMSR's own registers (upper
// halves zero), and a _safe read's value (0 on a fault) with its status
// (0, or kMsrFault as a 32-bit register value). Both come back in rax:rdx.
struct MsrHalves {
  std::uint64_t eax, edx;
};
struct MsrSafeRead {
  std::uint64_t value, status;
};
// A constant-index read's value, for a preserving handler (below): rdx is
// the site's clobber, so returning it too spares the handler saving it.
struct MsrRead64 {
  std::uint64_t value, clobbered;
};

// Maps MSR ops to their stubs, in the call shape this build's sites use.
// `specialised` adds stubs for single MSRs: a constant-index site of that op
// and index is patched to call its stub directly, with no dispatch on the
// index at run time. A stub that knows its MSR (`bare`) is called without the
// site's setup: it must then keep the site's ABI with only rax (the value,
// for writes) as input.
class MsrBackend final : public Backend {
 public:
  struct Specialised {
    std::uint16_t op;
    std::uint32_t msr;
    const void* stub;
    bool bare = false;
  };

  constexpr MsrBackend() = default;
  constexpr explicit MsrBackend(std::span<const Specialised> specialised)
      : specialised_(specialised) {}

  // The library's stub for a site of `op`, with or without a site constant.
  const void* stub(std::uint16_t op, std::uint32_t constant, bool has_constant,
                   AltKind kind) const override;
  SiteCode code(const CallSite& site) const override;
  const char* name() const override { return "msr-pv"; }
  // Ready once set_msr_handler() was given a handler: without one, every
  // stub would replay the native instruction, which faults in a process.
  bool ready() const override;

 private:
  std::span<const Specialised> specialised_;
};

}  // namespace altpv

// The stub shapes, one per MSR op and site shape (see msr.h for the site
// ABIs). Handlers are extern "C" and noexcept:
//   write:      void h(std::uint32_t msr, std::uint64_t value)
//   write_safe: std::uint64_t h(std::uint32_t msr, std::uint64_t value), the status
//   read:       altpv::MsrHalves h(std::uint32_t msr)
//   read_safe:  altpv::MsrSafeRead h(std::uint32_t msr)
// Variable-index sites keep every register but the op's outputs; constant-
// index sites may lose rcx and rdx (their setup clobbers them) and pass the
// value whole in rax.
// clang-format off
#define ALTPV_MSR_CALLER_SAVED_BUT_AX_CX_DX "rsi, rdi, r8, r9, r10, r11"
#define ALTPV_MSR_VAR_WRITE_ARGS "mov %ecx, %edi\n mov %eax, %esi\n shl $32, %rdx\n or %rdx, %rsi"
#define ALTPV_MSR_CONST_WRITE_ARGS "mov %ecx, %edi\n mov %rax, %rsi"

#define ALTPV_MSR_STUB_WRITE(stub, handler)                                        \
  ALTPV_LEAN_STUB(stub, handler, "rax, rcx, rdx, " ALTPV_MSR_CALLER_SAVED_BUT_AX_CX_DX, \
                  ALTPV_MSR_VAR_WRITE_ARGS, "")
#define ALTPV_MSR_STUB_WRITE_CONST(stub, handler)                          \
  ALTPV_LEAN_STUB(stub, handler, "rax, " ALTPV_MSR_CALLER_SAVED_BUT_AX_CX_DX, \
                  ALTPV_MSR_CONST_WRITE_ARGS, "")
#define ALTPV_MSR_STUB_WRITE_SAFE(stub, handler)                                \
  ALTPV_LEAN_STUB(stub, handler, "rcx, rdx, " ALTPV_MSR_CALLER_SAVED_BUT_AX_CX_DX, \
                  ALTPV_MSR_VAR_WRITE_ARGS, "")
#define ALTPV_MSR_STUB_WRITE_SAFE_CONST(stub, handler) \
  ALTPV_LEAN_STUB(stub, handler, ALTPV_MSR_CALLER_SAVED_BUT_AX_CX_DX, ALTPV_MSR_CONST_WRITE_ARGS, "")
#define ALTPV_MSR_STUB_READ(stub, handler) \
  ALTPV_LEAN_STUB(stub, handler, "rcx, " ALTPV_MSR_CALLER_SAVED_BUT_AX_CX_DX, "mov %ecx, %edi", "")
#define ALTPV_MSR_STUB_READ_CONST(stub, handler)                                 \
  ALTPV_LEAN_STUB(stub, handler, ALTPV_MSR_CALLER_SAVED_BUT_AX_CX_DX, "mov %ecx, %edi", \
                  "shl $32, %rdx\n or %rdx, %rax")
#define ALTPV_MSR_STUB_READ_SAFE(stub, handler)                                  \
  ALTPV_LEAN_STUB(stub, handler, ALTPV_MSR_CALLER_SAVED_BUT_AX_CX_DX, "mov %ecx, %edi", \
                  "mov %edx, %ecx\n mov %rax, %rdx\n shr $32, %rdx\n mov %eax, %eax")
#define ALTPV_MSR_STUB_READ_SAFE_CONST(stub, handler)                            \
  ALTPV_LEAN_STUB(stub, handler, ALTPV_MSR_CALLER_SAVED_BUT_AX_CX_DX, "mov %ecx, %edi", \
                  "mov %edx, %ecx")

// Preserving shapes (native_abi.h, ALTPV_PRESERVING_STUB), for handlers
// declared [[ALTPV_PRESERVING_HANDLER]] in general-registers-only code. The
// handler keeps every register but its return registers, so the stub saves
// only rdi and rsi, which it loads with the index (zero-extended) and the
// value. Handlers are extern "C" and noexcept:
//   write:       void h(std::uint64_t msr, std::uint64_t value)
//   write_safe:  std::uint64_t h(std::uint64_t msr, std::uint64_t value), the status
//   read:        altpv::MsrHalves h(std::uint64_t msr)    (variable index)
//   read64:      altpv::MsrRead64 h(std::uint64_t msr)    (constant index)
//   read64_safe: altpv::MsrSafeRead h(std::uint64_t msr)  (constant index)
// A variable-index write keeps rdx, so its value is built in rsi with rdi
// as the scratch register before rdi gets the index.
#define ALTPV_MSR_PRESERVING_VAR_WRITE_ARGS \
  "mov %edx, %esi\n shl $32, %rsi\n mov %eax, %edi\n or %rdi, %rsi\n mov %ecx, %edi"

#define ALTPV_MSR_PRESERVING_STUB_WRITE(stub, handler) \
  ALTPV_PRESERVING_STUB(stub, handler, "rsi, rdi", ALTPV_MSR_PRESERVING_VAR_WRITE_ARGS, "")
// Constant-index writes, plain (void handler) and _safe (status in rax).
#define ALTPV_MSR_PRESERVING_STUB_WRITE_CONST(stub, handler) \
  ALTPV_PRESERVING_STUB(stub, handler, "rsi, rdi", ALTPV_MSR_CONST_WRITE_ARGS, "")
// Reads: variable index (halves) and constant index (RDMSR64).
#define ALTPV_MSR_PRESERVING_STUB_READ(stub, handler) \
  ALTPV_PRESERVING_STUB(stub, handler, "rdi", "mov %ecx, %edi", "")
#define ALTPV_MSR_PRESERVING_STUB_READ_SAFE_CONST(stub, handler) \
  ALTPV_PRESERVING_STUB(stub, handler, "rdi", "mov %ecx, %edi", "mov %edx, %ecx")
// clang-format on
