// SPDX-License-Identifier: MIT
#include "machine.h"

#include <x86intrin.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <thread>

namespace altpv::bench {
namespace {

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  const std::string key = "model name";
  for (std::string line; std::getline(in, line);) {
    if (line.compare(0, key.size(), key) != 0) continue;
    const std::size_t colon = line.find(':');
    if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
  }
  return "unknown";
}

double now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

double tsc_ghz() {
  const double t0 = now_ns();
  const unsigned long long c0 = __rdtsc();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const unsigned long long c1 = __rdtsc();
  const double t1 = now_ns();
  return static_cast<double>(c1 - c0) / (t1 - t0);
}

}  // namespace

Machine describe_machine() {
  return Machine{cpu_model(), tsc_ghz()};
}

}  // namespace altpv::bench
