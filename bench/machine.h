// SPDX-License-Identifier: MIT
// What the results were measured on.
#pragma once

#include <string>

namespace altpv::bench {

struct Machine {
  std::string cpu;  // /proc/cpuinfo "model name"
  // The TSC rate, measured against CLOCK_MONOTONIC_RAW. It converts time to
  // reference cycles; core cycles differ when the core runs at another clock.
  double tsc_ghz = 0;
};

Machine describe_machine();

}  // namespace altpv::bench
