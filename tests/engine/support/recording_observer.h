// SPDX-License-Identifier: MIT
// A DecisionObserver that keeps every decision apply() reports, shared by
// the engine and hosted tests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "altpv/patcher.h"

namespace altpv::testing {

class RecordingObserver final : public DecisionObserver {
 public:
  void on_decision(const Decision& decision) override { decisions.push_back(decision); }

  // The decision about the site at `address`, if one was reported.
  std::optional<Decision> at(std::uintptr_t address) const {
    for (const Decision& d : decisions) {
      if (d.address == address) return d;
    }
    return std::nullopt;
  }

  std::vector<Decision> decisions;
};

}  // namespace altpv::testing
