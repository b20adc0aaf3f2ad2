// SPDX-License-Identifier: MIT
// The paravirtual side of the MSR API: native-ABI stubs for every MSR site
// shape, and a Backend that hands them to the engine.
//
// Under PV every MSR site calls its stub; the stub (native_abi.h) saves all
// registers and calls a C++ function that unpacks the op's inputs from the
// site's registers, asks the MsrHandler, and writes the op's outputs back in
// the same registers the native instruction would. When the handler refuses
// a plain (non-_safe) access, the native instruction is replayed, so the
// fault the caller sees is the real one. For _safe ops a refusal is
// reported exactly as the native fixup reports a #GP (msr.h).
#pragma once

#include <cstdint>
#include <span>

#include "altpv/backend.h"

namespace altpv {

enum class MsrAccess : std::uint8_t { Done, Fault, Native };

// What a paravirtualising environment implements. Called with the C ABI from
// the stubs, never from a site directly.
class MsrHandler {
 public:
  virtual MsrAccess write(std::uint32_t msr, std::uint64_t value, bool serialising) noexcept = 0;
  virtual MsrAccess read(std::uint32_t msr, std::uint64_t* value) noexcept = 0;

 protected:
  ~MsrHandler() = default;
};

// The handler the generic stubs call; set it before patching in the stubs.
void set_msr_handler(MsrHandler* handler);

// Maps MSR ops to their stubs, in the call shape this build's sites use.
// `specialised` adds stubs for single MSRs: a constant-index site of that op
// and index is patched to call its stub directly, with no dispatch on the
// index at run time.
class MsrBackend final : public Backend {
 public:
  struct Specialised {
    std::uint16_t op;
    std::uint32_t msr;
    const void* stub;
  };

  constexpr MsrBackend() = default;
  constexpr explicit MsrBackend(std::span<const Specialised> specialised)
      : specialised_(specialised) {}

  const void* stub(std::uint16_t op, std::uint32_t constant, bool has_constant,
                   AltKind kind) const override;
  const char* name() const override { return "msr-pv"; }
  // Ready once set_msr_handler() was given a handler: without one, every
  // stub would replay the native instruction, which faults in a process.
  bool ready() const override;

 private:
  std::span<const Specialised> specialised_;
};

}  // namespace altpv
