// SPDX-License-Identifier: MIT
#include "test_sites.h"

#include "altpv/site.h"
#include "test_site_values.h"

#define ALTPV_TEST_STR(x) #x
#define ALTPV_TEST_XSTR(x) ALTPV_TEST_STR(x)
#define ALTPV_TEST_MOV(value) "mov $" ALTPV_TEST_XSTR(value) ", %%eax"

namespace altpv::testing {

// noinline: one site, at a known place.
[[gnu::noinline]] unsigned which_alternative() {
  unsigned value;
  // clang-format off
  asm volatile(ALTPV_SITE_BEGIN
               ALTPV_ALT_CALL(ALTPV_FEATURE_PV)
               ALTPV_ALT(ALTPV_FEATURE_WRMSRNS, ALTPV_TEST_MOV(ALTPV_TEST_IF_WRMSRNS))
               ALTPV_ALT(ALTPV_FEATURE_RDPID, ALTPV_TEST_MOV(ALTPV_TEST_IF_RDPID))
               ALTPV_ALT(ALTPV_NOT(ALTPV_FEATURE_PV), ALTPV_TEST_MOV(ALTPV_TEST_IF_NOT_PV))
               ALTPV_SITE_END(ALTPV_TEST_OP, ALTPV_TEST_MOV(ALTPV_TEST_ORIGINAL))
               : "=a"(value)
               :
               : "cc", "memory");
  // clang-format on
  return value;
}

unsigned expected_alternative(const FeatureSet& f, bool stub) {
  // Under pv with no backend the call is refused: the site keeps its original.
  if (f.has(Feature::Pv)) return stub ? ALTPV_TEST_FROM_STUB : ALTPV_TEST_ORIGINAL;
  if (f.has(Feature::Wrmsrns)) return ALTPV_TEST_IF_WRMSRNS;
  if (f.has(Feature::Rdpid)) return ALTPV_TEST_IF_RDPID;
  if (!f.has(Feature::Pv)) return ALTPV_TEST_IF_NOT_PV;
  return ALTPV_TEST_ORIGINAL;
}

const void* TestBackend::stub(std::uint16_t op, std::uint32_t, bool, AltKind kind) const {
  if (op != ALTPV_TEST_OP || kind != AltKind::CallSkipRedZone) return nullptr;
  return reinterpret_cast<const void*>(&altpv_test_pv_stub);
}

}  // namespace altpv::testing
