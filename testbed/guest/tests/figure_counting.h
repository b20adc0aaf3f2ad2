// SPDX-License-Identifier: MIT
// Counting one call of a reference function between the VMM's markers
// (figures.msr, figures.privileged; docs/demo.md, "How the figures are
// measured"). Subtract measure(figure_empty, 0): what is left is what the
// function executes but its own ret.
#pragma once

#include <cstdint>

#include "abi/abi.h"

extern "C" void figure_empty(std::uint64_t);

namespace altpv::guest {

altpv::testbed::Counters measure(void (*fn)(std::uint64_t), std::uint64_t arg);

}  // namespace altpv::guest
