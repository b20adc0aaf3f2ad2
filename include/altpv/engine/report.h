// SPDX-License-Identifier: MIT
// The decision report, like Linux's debug-alternative: a line with what the
// sites were chosen against, one line per site, and a summary line. Each
// function formats one line into buf (NUL-terminated, truncated to size)
// and returns the length written. Freestanding: a kernel prints the lines
// as they come; a process may gather them first (hosted/process.h).
#pragma once

#include <cstddef>

#include "altpv/engine/planner.h"
#include "altpv/patcher.h"

namespace altpv {

// "altpv: features rdpid,serialize,pv; backend msr-pv": the feature set in
// use and the backend (or "none").
std::size_t format_report_header(const FeatureSet& features, const Backend* backend, char* buf,
                                 std::size_t size);

// One site. `where` is a symbol+offset for the site, or nullptr where none
// is known.
std::size_t format_decision(const Decision& d, const char* where, char* buf, std::size_t size);

// "altpv: 12 sites: 3 patched, 8 kept original, 1 refused (3 rewritten)":
// what the sites run after the pass (an alternative, their original, or
// whatever they held when refused), and how many the pass wrote.
std::size_t format_summary(const ApplyStats& stats, char* buf, std::size_t size);

// The name of an alternative kind: "bytes", "call", "call/rz".
const char* alt_kind_name(AltKind kind);

// Writes the name of condition `cond`: "wrmsrns", "!pv", "always".
std::size_t format_condition(std::uint16_t cond, char* buf, std::size_t size);

}  // namespace altpv
