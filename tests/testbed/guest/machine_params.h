// SPDX-License-Identifier: MIT
// What the gtest drivers of tests/testbed/guest share: machines as test
// parameters with readable names, one boot per machine shared by the tests
// that read it, and the skip when there is no /dev/kvm.
#pragma once

#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <mutex>
#include <ostream>
#include <string>

#include "machine_run.h"
#include "machines.h"

namespace altpv::testbed::report {

// Names, not bytes, in test output (found by argument-dependent lookup).
inline void PrintTo(const MachineConfig& machine, std::ostream* os) {
  *os << machine.name();
}
inline void PrintTo(const CpuModelSpec& model, std::ostream* os) {
  *os << model.name;
}

// make(machine), once per machine and process: one boot that the tests
// reading it share. Each caller's `make` gets its own cache.
template <typename Make>
const auto& once_per_machine(const MachineConfig& machine, Make make) {
  using Value = decltype(make(machine));
  static std::mutex mutex;
  static std::map<std::string, Value> values;
  const std::lock_guard lock(mutex);
  auto it = values.find(machine.name());
  if (it == values.end()) it = values.emplace(machine.name(), make(machine)).first;
  return it->second;
}

// "wrmsrns+msr_imm/hvm" -> "wrmsrns_msr_imm_hvm", a valid test name.
inline std::string test_name(const std::string& name) {
  std::string out;
  for (char c : name) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

}  // namespace altpv::testbed::report

// The SKIP line ctest's SKIP_REGULAR_EXPRESSION matches.
#define SKIP_WITHOUT_KVM() \
  if (!::altpv::testbed::report::have_kvm()) GTEST_SKIP() << "SKIP: /dev/kvm not available"
