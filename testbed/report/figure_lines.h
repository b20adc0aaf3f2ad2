// SPDX-License-Identifier: MIT
// figures.msr's console lines: `figure <strategy> <op> insns=<n> exits=<n>`,
// the guest instructions and VM exits one op costs with one strategy (the
// call into the reference function and its return already subtracted).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace altpv::demo {

struct FigureLine {
  std::string strategy;  // altpv, pvops_indirect, pvops_direct
  std::string op;        // wrmsr_ns_const, rdmsr_var
  std::uint64_t insns = 0;
  std::uint64_t exits = 0;
};

// In console order. Throws ParseError on a malformed line.
std::vector<FigureLine> parse_figures(std::string_view console);

}  // namespace altpv::demo
