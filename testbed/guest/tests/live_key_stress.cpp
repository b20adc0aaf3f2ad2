// SPDX-License-Identifier: MIT
// live.key_stress: a key of the guest kernel, two sites (one whose states
// differ only in the tail, one whose first byte differs), switched live by
// the BSP while every AP runs both sites in a tight loop (live_stress.h).
// Also checks that the boot attached the guest's key sites: a kernel linker
// script that drops altpv_key_sites or altpv_key_refs leaves none.
#include "altpv/key.h"
#include "expect.h"
#include "live_keys.h"
#include "live_stress.h"
#include "test_registry.h"

namespace altpv::guest {
namespace {

constinit altpv::Key stress_key;

altpv::KeySwitch set_stress_key(bool enabled) {
  return stress_key.set(enabled);
}

void live_key_stress() {
  EXPECT_TRUE(boot_key_sites().sites >= 2);
  run_live_stress(
      {"guest", set_stress_key, stress_value_site<stress_key>, stress_arith_site<stress_key>});
}

GUEST_TEST("live.key_stress", live_key_stress);

}  // namespace
}  // namespace altpv::guest
