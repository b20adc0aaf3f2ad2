// SPDX-License-Identifier: MIT
// An MsrHandler for processes: a small bank of MSRs in memory with a log, so
// the PV path of every MSR op can be exercised without ring 0.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "altpv/msr_backend.h"

namespace altpv::testing {

class FakeMsrBank final : public MsrHandler {
 public:
  struct Write {
    std::uint32_t msr;
    std::uint64_t value;
    bool serialising;
  };

  // Only these MSRs exist; any other access is refused.
  explicit FakeMsrBank(std::initializer_list<std::uint32_t> known) {
    for (std::uint32_t msr : known) values_[msr] = 0;
  }

  MsrAccess write(std::uint32_t msr, std::uint64_t value, bool serialising) noexcept override {
    auto it = values_.find(msr);
    if (it == values_.end()) return MsrAccess::Fault;
    it->second = value;
    log_.push_back({msr, value, serialising});
    return MsrAccess::Done;
  }

  MsrAccess read(std::uint32_t msr, std::uint64_t* value) noexcept override {
    auto it = values_.find(msr);
    if (it == values_.end()) return MsrAccess::Fault;
    *value = it->second;
    return MsrAccess::Done;
  }

  const std::vector<Write>& log() const { return log_; }
  std::uint64_t value(std::uint32_t msr) const { return values_.at(msr); }

 private:
  std::map<std::uint32_t, std::uint64_t> values_;
  std::vector<Write> log_;
};

}  // namespace altpv::testing
