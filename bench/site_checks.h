// SPDX-License-Identifier: MIT
// Reads back every benchmark site of this process after patching and checks
// that it holds the bytes the strategy is supposed to measure: RDPID and
// RDFSBASE inline for strategy 2, a red-zone-skipping call to the backend's
// stub for strategy 6. A wrong patch would make the timings meaningless.
#pragma once

#include <cstdio>
#include <span>

#include "altpv/backend.h"
#include "strategy.h"

namespace altpv::bench {

// A timed loop that must contain a site itself: a compiler that declined to
// inline the op would make the loop call an out-of-line copy instead.
struct InlinedSiteLoop {
  const char* what;
  BenchFunction loop;
};

// Prints every mismatch on `err`. `fs_base` says whether the RDFSBASE sites
// were expected to be patched (the kernel allows the instruction).
bool check_patched_sites(const Backend& pv_backend, bool fs_base,
                         std::span<const InlinedSiteLoop> loops, std::FILE* err);

}  // namespace altpv::bench
