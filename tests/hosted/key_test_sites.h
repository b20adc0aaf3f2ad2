// SPDX-License-Identifier: MIT
// Key sites the hosted tests and the stress program switch, and what each
// state leaves in eax.
#pragma once

#include "altpv/key.h"

// For the asm too.
#define KEY_TEST_VALUE_DISABLED 0x11111111
#define KEY_TEST_VALUE_ENABLED 0x22222222
#define KEY_TEST_XOR_DISABLED 0x0d0d0d0d
#define KEY_TEST_ADD_ENABLED 0x0b0b0b0b
#define KEY_TEST_STARTS_OFF 3
#define KEY_TEST_STARTS_ON 4

namespace altpv::testing {

// Two sites: value_site() and arithmetic_site(). Starts disabled.
extern Key g_toggled;
// One site, starts_enabled_site(); constructed enabled, so switched at load.
extern Key g_starts_enabled;

inline constexpr unsigned kValueDisabled = KEY_TEST_VALUE_DISABLED;  // mov $imm32, %eax
inline constexpr unsigned kValueEnabled = KEY_TEST_VALUE_ENABLED;    // another immediate

// Same first byte, different tail: a torn read of the immediate shows.
unsigned value_site();

// Different first byte and tail: xor (disabled) or add (enabled) an imm32.
inline constexpr unsigned kXorDisabled = KEY_TEST_XOR_DISABLED;
inline constexpr unsigned kAddEnabled = KEY_TEST_ADD_ENABLED;
unsigned arithmetic_site(unsigned x);

inline constexpr unsigned kStartsEnabledOff = KEY_TEST_STARTS_OFF;
inline constexpr unsigned kStartsEnabledOn = KEY_TEST_STARTS_ON;
unsigned starts_enabled_site();

}  // namespace altpv::testing
