// SPDX-License-Identifier: MIT
// Bytes at the call site, per strategy, read from the guest ELF. Each figure
// is measured on a reference function that does one op and nothing else
// (guest/tests/figures.cpp), so the function's code minus its return is what
// a caller would carry inline for that op.
#pragma once

#include <cstdint>
#include <string>

#include "testbed_config.h"

namespace altpv::inspect {
class ElfFile;
}

namespace altpv::demo {

struct CallSiteBytes {
  std::string function;  // the reference function's symbol
  std::uint64_t address = 0;
  std::uint64_t symbol_size = 0;
  std::uint64_t bytes = 0;   // symbol_size without a final 1-byte ret
  bool ends_in_ret = false;  // false: a tail jump, which stands in for the call
  std::string disassembly;   // the whole function, "; " between instructions
};

// The reference function of `strategy` for `op` under `hv`: pvops_direct
// calls native_write_msr natively and the hypercall function under pv.
std::string reference_function(const std::string& strategy, const std::string& op, Personality hv);

// Throws std::runtime_error when the ELF has no such function.
CallSiteBytes call_site_bytes(const inspect::ElfFile& elf, const std::string& function);

}  // namespace altpv::demo
