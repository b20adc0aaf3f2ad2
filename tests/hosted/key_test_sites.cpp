// SPDX-License-Identifier: MIT
#include "key_test_sites.h"

#define KEY_TEST_STR(x) #x
#define KEY_TEST_XSTR(x) KEY_TEST_STR(x)

namespace altpv::testing {

Key g_toggled;
Key g_starts_enabled{true};

// noinline: one copy of each site, which every caller runs.
[[gnu::noinline]] unsigned value_site() {
  unsigned v;
  asm volatile(ALTPV_KEY_SITE(ALTPV_KEY_REF,
                              "mov $" KEY_TEST_XSTR(KEY_TEST_VALUE_ENABLED) ", %%eax",
                              "mov $" KEY_TEST_XSTR(KEY_TEST_VALUE_DISABLED) ", %%eax")
               : "=a"(v)
               : ALTPV_KEY_OPERAND(g_toggled));
  return v;
}

[[gnu::noinline]] unsigned arithmetic_site(unsigned x) {
  asm volatile(ALTPV_KEY_SITE(ALTPV_KEY_REF, "add $" KEY_TEST_XSTR(KEY_TEST_ADD_ENABLED) ", %%eax",
                              "xor $" KEY_TEST_XSTR(KEY_TEST_XOR_DISABLED) ", %%eax")
               : "+a"(x)
               : ALTPV_KEY_OPERAND(g_toggled)
               : "cc");
  return x;
}

[[gnu::noinline]] unsigned starts_enabled_site() {
  unsigned v;
  asm volatile(ALTPV_KEY_SITE(ALTPV_KEY_REF, "mov $" KEY_TEST_XSTR(KEY_TEST_STARTS_ON) ", %%eax",
                              "mov $" KEY_TEST_XSTR(KEY_TEST_STARTS_OFF) ", %%eax")
               : "=a"(v)
               : ALTPV_KEY_OPERAND(g_starts_enabled));
  return v;
}

}  // namespace altpv::testing
