// SPDX-License-Identifier: MIT
// The decision report, like Linux's debug-alternative: one line per site.
#pragma once

#include <cstddef>

#include "altpv/engine/planner.h"

namespace altpv {

// Formats `d` into buf (NUL-terminated, truncated to size). `where` is a
// symbol+offset for the site, or nullptr where none is known. Returns the
// length written.
std::size_t format_decision(const Decision& d, const char* where, char* buf, std::size_t size);

// The name of an alternative kind: "bytes", "call", "call/rz".
const char* alt_kind_name(AltKind kind);

// Writes the name of condition `cond`: "wrmsrns", "!pv", "always".
std::size_t format_condition(std::uint16_t cond, char* buf, std::size_t size);

}  // namespace altpv
