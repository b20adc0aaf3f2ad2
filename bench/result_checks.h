// SPDX-License-Identifier: MIT
// Runs every strategy's op once and compares the result with what the
// kernel reports, before anything is timed: a strategy that computes the
// wrong thing (a bad patch, a stub that loses the output) fails the run.
#pragma once

#include <cstdio>
#include <span>

#include "strategy.h"

namespace altpv::bench {

// `fs_base`: whether the RDFSBASE op may run here. Prints every mismatch.
bool check_results(std::span<const Strategy* const> strategies, bool fs_base, std::FILE* err);

}  // namespace altpv::bench
