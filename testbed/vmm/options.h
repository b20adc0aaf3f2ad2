// SPDX-License-Identifier: MIT
// Command line of altpv-vmm.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core_barrier.h"
#include "personality.h"

namespace altpv::vmm {

// --timeout accepts (0, kMaxTimeoutSeconds]: long enough for any run, and far
// from where a deadline computed from it could overflow.
inline constexpr double kMaxTimeoutSeconds = 1e6;
// --tick-us accepts 0 (no timer) or [kMinTickUs, kMaxTickUs]: a shorter
// period would leave a slow (emulated) guest no time between ticks.
inline constexpr std::uint32_t kMinTickUs = 100;
inline constexpr std::uint32_t kMaxTickUs = 10'000'000;

struct Options {
  std::string guest;                 // GUEST.elf
  std::vector<std::string> cmdline;  // words after `--`, joined with spaces
  std::uint64_t mem_mib = 64;
  std::uint32_t vcpus = 1;
  std::string cpu;  // --cpu overrides
  Personality hv = Personality::Hvm;
  double timeout_seconds = 30;
  std::uint32_t tick_us = 0;  // timer period; 0 = no timer
  SyncMode sync_cores = SyncMode::Auto;
  std::string msr_log;
  std::string json;
  bool count_insns = false;
  std::string dump_text;
  bool emulate_via_ud = false;
  bool quiet = false;
  std::vector<std::string> require_pass;  // tests that must begin and pass
};

// Parses argv; on --help or a usage error prints to stdout/stderr and
// returns the process exit code in `exit_code` with no options.
struct ParsedOptions {
  Options options;
  int exit_code = -1;  // >= 0: exit now with this code
};
ParsedOptions parse_options(int argc, char** argv);

}  // namespace altpv::vmm
