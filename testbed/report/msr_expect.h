// SPDX-License-Identifier: MIT
// The writes msr.workload announces before making them:
//   msr-expect <op> 0x<msr> 0x<value>
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace altpv::demo {

struct ExpectedWrite {
  std::string op;  // wrmsr, wrmsr_ns, wrmsr_const, ... (the API flavour used)
  std::uint32_t msr = 0;
  std::uint64_t value = 0;
};

// In console order. Throws ParseError on a malformed line or unknown op.
std::vector<ExpectedWrite> parse_msr_expect(std::string_view console);

}  // namespace altpv::demo
