// SPDX-License-Identifier: MIT
// live.module_stress: the test module (module/) loaded after boot at an
// address the guest chose: its feature site holds what the boot's features
// select, its key sites are attached, and its key is switched live while
// every AP runs its sites (live_stress.h).
#include "boot_patching.h"
#include "console.h"
#include "expect.h"
#include "live_stress.h"
#include "module_loader.h"
#include "test_registry.h"

namespace altpv::guest {
namespace {

void live_module_stress() {
  const LoadedModule& m = load_module();
  if (m.error != nullptr) Line().out().str("module: ").str(m.error);
  ASSERT_TRUE(m.error == nullptr);
  EXPECT_EQ(m.patching.sites, 1u);
  EXPECT_EQ(m.patching.refused, 0u);
  EXPECT_EQ(m.keys.sites, 2u);
  EXPECT_EQ(m.keys.refused, 0u);
  const bool hypervisor = boot_patching().features.has(Feature::Hypervisor);
  EXPECT_EQ(m.feature_value(), hypervisor ? kModuleHypervisor : 0u);
  run_live_stress({"module", set_module_key, m.value, m.arith});
}

GUEST_TEST("live.module_stress", live_module_stress);

}  // namespace
}  // namespace altpv::guest
