// SPDX-License-Identifier: MIT
// Sites the hosted tests patch and execute, and the stub their call
// alternatives go to.
#pragma once

#include "altpv/backend.h"
#include "altpv/features.h"

extern "C" {
// `ret $128` after `mov $ALTPV_TEST_FROM_STUB, %eax`: the hosted call shape.
void altpv_test_pv_stub();
// Fills its red zone, runs a site whose PV alternative calls the stub, and
// returns the site's eax, or 0 if any byte of the red zone changed.
unsigned altpv_test_red_zone_probe();
}

namespace altpv::testing {

// One site, alternatives in this order: call (PV), WRMSRNS, RDPID, !PV.
unsigned which_alternative();

// What which_alternative() returns after patching for `features`; `stub` says
// whether a backend offering the stub was given (without one, pv refuses the
// site).
unsigned expected_alternative(const FeatureSet& features, bool stub);

// Supplies altpv_test_pv_stub for ALTPV_TEST_OP in the hosted call shape.
class TestBackend final : public Backend {
 public:
  const void* stub(std::uint16_t op, std::uint32_t constant, bool has_constant,
                   AltKind kind) const override;
  const char* name() const override { return "test"; }
};

}  // namespace altpv::testing
