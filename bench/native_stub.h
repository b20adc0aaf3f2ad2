// SPDX-License-Identifier: MIT
// The backend of the altpv_*stub strategies: the paravirtual side of altpv,
// where a site that keeps its native instruction's register ABI is patched
// into a call to a native-ABI stub (native_abi.h) that runs a C++ handler.
#pragma once

#include <cstdint>

#include "altpv/backend.h"
#include "altpv/op_ids.h"

namespace altpv::bench {

// The stubs the pv strategies call, one kind per strategy.
enum class StubKind : std::uint16_t {
  FullFrame,      // every GPR in a NativeRegs frame, XSAVE
  FullFrameGpr,   // every GPR, no vector state
  LeanGpr,        // only what the op needs, no vector state
  LeanXsave,      // only what the op needs, vector state by XSAVE
  LeanXsaveopt,   // ... by XSAVEOPT
  LeanXsavec,     // ... by XSAVEC (compacted, init optimisation)
  LeanZmm,        // ... by storing the AVX-512 registers themselves
  PreservingGpr,  // the handler keeps every register itself, no vector state
};
inline constexpr std::uint16_t kStubKinds = 8;

// The benchmark's own op ids for its pv call sites: two per stub kind.
constexpr std::uint16_t pv_op(StubKind kind, bool fs_base) {
  return static_cast<std::uint16_t>(ALTPV_OP_USER_BASE + 2 * static_cast<unsigned>(kind) +
                                    (fs_base ? 1 : 0));
}
constexpr bool is_pv_op(std::uint16_t op) {
  return op >= ALTPV_OP_USER_BASE && op < ALTPV_OP_USER_BASE + 2 * kStubKinds;
}
constexpr bool is_fs_base_op(std::uint16_t op) {
  return (op - ALTPV_OP_USER_BASE) % 2 == 1;
}

// The lean stubs of strategy_lean_stub.cpp for `op`; nullptr when this CPU
// cannot run that kind (the strategy is then skipped).
const void* lean_stub(std::uint16_t op);
// Why this CPU cannot run `kind`, or nullptr.
const char* lean_stub_unsupported(StubKind kind);

// Supplies the hosted-shape stubs for the ops above, nothing else.
const Backend& native_stub_backend();

}  // namespace altpv::bench
