// SPDX-License-Identifier: MIT
// The VMM's --msr-log: one JSON object per MSR access the bank served,
//   {"seq","vcpu","op":"write"|"read","msr","value","value_hex","path"}
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace altpv::demo {

struct MsrAccess {
  std::uint64_t seq = 0;
  std::uint32_t vcpu = 0;
  bool write = false;
  std::uint32_t msr = 0;
  std::uint64_t value = 0;
  std::string path;  // trap, emulated-insn, hypercall
};

// Throws ParseError on a malformed line.
std::vector<MsrAccess> parse_msr_log(std::string_view text);

// Only the writes, in log order.
std::vector<MsrAccess> writes_of(const std::vector<MsrAccess>& log);

}  // namespace altpv::demo
