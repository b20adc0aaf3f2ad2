// SPDX-License-Identifier: MIT
// The live-key stress run, shared by the guest's own key sites and a
// module's: every AP runs two sites of one key in a tight loop and counts
// the state each call returned; the BSP toggles the key a fixed number of
// times (command-line word `live.toggles=N`); then the counts are checked
// and reported in a `live_keys` record (docs/testbed.md).
#pragma once

#include "altpv/key.h"

namespace altpv::guest {

// Two sites of one key, which set_key() switches (a key is reached through a
// function of its image, altpv/key.h): value() returns kValueEnabled or kValueDisabled, and
// arith(kArithInput) kArithEnabled or kArithDisabled. A mix of the two
// states' bytes returns none of those (or crashes).
struct StressSites {
  const char* name;  // for the record
  altpv::KeySwitch (*set_key)(bool enabled);
  unsigned (*value)();
  unsigned (*arith)(unsigned);
};

inline constexpr unsigned kValueEnabled = 0x1111;   // mov $0x1111, %eax
inline constexpr unsigned kValueDisabled = 0x2222;  // mov $0x2222, %eax: only the tail differs
inline constexpr unsigned kArithInput = 0x10700;
inline constexpr unsigned kArithEnabled = kArithInput + 0x300;   // add $0x300, %eax
inline constexpr unsigned kArithDisabled = kArithInput ^ 0x500;  // xor $0x500, %eax: first byte

// The two sites, for key K; an image instantiates them once, for its own key
// (noinline: one copy of each site, which every caller runs).
template <altpv::Key& K>
[[gnu::noinline]] unsigned stress_value_site() {
  unsigned v;
  asm volatile(ALTPV_KEY_SITE(ALTPV_KEY_REF, "mov $0x1111, %%eax", "mov $0x2222, %%eax")
               : "=a"(v)
               : ALTPV_KEY_OPERAND(K));
  return v;
}

template <altpv::Key& K>
[[gnu::noinline]] unsigned stress_arith_site(unsigned x) {
  asm volatile(ALTPV_KEY_SITE(ALTPV_KEY_REF, "add $0x300, %%eax", "xor $0x500, %%eax")
               : "+a"(x)
               : ALTPV_KEY_OPERAND(K)
               : "cc");
  return x;
}

// Runs the stress on every vCPU the machine has; reports failures with the
// EXPECT macros of the running test case.
void run_live_stress(const StressSites& sites);

}  // namespace altpv::guest
