// SPDX-License-Identifier: MIT
// A backend supplies the stubs that call alternatives are patched to.
#pragma once

#include <cstdint>

#include "altpv/engine/site_records.h"

namespace altpv {

class Backend {
 public:
  // The stub for a site of `op` (with its site constant, when it has one) in
  // the call shape `kind`, or nullptr when this backend offers none, in which
  // case the call alternative does not match and selection moves on.
  // A backend may return a per-constant stub (e.g. one MSR) so that the
  // patched call needs no dispatch on the constant at run time.
  virtual const void* stub(std::uint16_t op, std::uint32_t constant, bool has_constant,
                           AltKind kind) const = 0;
  virtual const char* name() const = 0;
  // False while the backend cannot serve the stubs it hands out (e.g. a
  // handler they forward to is not set yet). A site whose chosen alternative
  // is such a call is then refused, not patched to a stub that would fail.
  virtual bool ready() const { return true; }

 protected:
  ~Backend() = default;
};

}  // namespace altpv
