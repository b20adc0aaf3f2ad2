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

// Runs the stress on every vCPU the machine has; reports failures with the
// EXPECT macros of the running test case.
void run_live_stress(const StressSites& sites);

}  // namespace altpv::guest
