// SPDX-License-Identifier: MIT
// Questions about the guest ELF, answered with altpv-inspect's ELF reader
// and disassembler: where a function is, which patch site it holds, what
// its bytes decode to, and the bytes a caller carries inline for one op.
// The same questions work on a --dump-text image, whose text is guest
// memory as patched.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "elf_file.h"
#include "guest_output.h"
#include "machines.h"

namespace altpv::testbed::report {

// Throws std::runtime_error when the ELF has no function of that name.
const hosted::Symbol& find_function(const inspect::ElfFile& elf, const std::string& name);

// The `len` bytes at `address` in an executable section, or nullopt when
// they are not all there.
std::optional<std::span<const std::uint8_t>> code_at(const inspect::ElfFile& elf,
                                                     std::uint64_t address, std::size_t len);

// The decision for the one site inside `function`; nullptr when it holds
// none or several.
const DecisionRecord* decision_in(const std::vector<DecisionRecord>& decisions,
                                  const inspect::ElfFile& elf, const std::string& function);

// "wrmsrns $0x40000100, %rax + 8 bytes of NOP": `bytes` decoded as they run
// at `address`, branch targets named with `elf`'s symbols, padding summed.
std::string describe_code(std::span<const std::uint8_t> bytes, std::uint64_t address,
                          const inspect::ElfFile& elf);

// Bytes at the call site, per strategy. Each figure is measured on a
// reference function that does one op and nothing else
// (testbed/guest/tests/figures.cpp), so the function's code minus its
// return is what a caller would carry inline for that op.
struct CallSiteBytes {
  std::string function;  // the reference function's symbol
  std::uint64_t address = 0;
  std::uint64_t symbol_size = 0;
  std::uint64_t bytes = 0;   // symbol_size without a final 1-byte ret
  bool ends_in_ret = false;  // false: a tail jump, which stands in for the call
  std::string disassembly;   // the whole function, "; " between instructions
};

// The reference function of `strategy` for `op` under `hv`: pvops_direct
// calls native_write_msr natively and the hypercall function under pv;
// altpv_lean is altpv's site natively and calls a lean stub under pv.
std::string reference_function(const std::string& strategy, const std::string& op, Personality hv);

// Throws std::runtime_error when the ELF has no such function or its code
// does not decode.
CallSiteBytes call_site_bytes(const inspect::ElfFile& elf, const std::string& function);

}  // namespace altpv::testbed::report
