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

// One strategy's reference function for one op, and its argument.
struct Figure {
  const char* strategy;
  const char* op;
  void (*fn)(std::uint64_t);
  std::uint64_t arg;
};

// Counts `f` and writes its `figure` record; `empty` is figure_empty's count.
void measure_figure(const Figure& f, const altpv::testbed::Counters& empty);

}  // namespace altpv::guest
