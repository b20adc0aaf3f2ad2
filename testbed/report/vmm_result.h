// SPDX-License-Identifier: MIT
// The VMM's --json result (docs/vmm.md).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace altpv::demo {

struct GuestTest {
  std::string name;
  std::string status;  // pass, fail, skip, running
  std::string message;
  std::uint32_t vcpu = 0;
};

struct VmmResult {
  int exit_code = -1;
  std::string exit_reason;  // guest-exit, crash, timeout, vmm-error
  std::string message;
  std::optional<std::int64_t> guest_exit_code;  // only after a guest Exit
  std::vector<GuestTest> tests;
  std::map<std::uint32_t, std::uint64_t> msrs;  // the bank as vCPU 0 sees it
  std::uint64_t instructions = 0;
  std::uint64_t exits = 0;

  // The guest's own verdict: it exited 0 and every test it began passed.
  bool guest_passed() const;
  const GuestTest* find_test(std::string_view name) const;
};

// Throws ParseError when the document lacks a documented field.
VmmResult parse_vmm_result(std::string_view text);

}  // namespace altpv::demo
