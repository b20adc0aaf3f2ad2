// SPDX-License-Identifier: MIT
// Everything the VMM keeps or passes on for a guest is bounded, so that no
// guest can exhaust the host's memory, flood its terminal or delay the end of
// the run. Reaching a limit ends the run (exit 3) with a message naming it;
// test text longer than its limit is cut, marked, and kept.
#pragma once

#include <cstddef>
#include <cstdint>

namespace altpv::vmm::limits {

inline constexpr std::size_t kTests = 1024;                    // TestBegin calls in a run
inline constexpr std::size_t kTestNameBytes = 256;             // a TestBegin name
inline constexpr std::size_t kTestMessageBytes = 1024;         // a TestFail/TestSkip text
inline constexpr std::uint64_t kConsoleWriteBytes = 64 << 10;  // one ConsoleWrite, else BadArgument
inline constexpr std::uint64_t kConsoleBytes = 16 << 20;       // console output in a run
inline constexpr std::uint64_t kMsrLogLines = 1 << 14;         // --msr-log lines in a run
inline constexpr std::size_t kListedTests = 32;  // unfinished or failed tests listed at the end

}  // namespace altpv::vmm::limits
