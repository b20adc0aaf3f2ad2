// SPDX-License-Identifier: MIT
// A DecisionObserver that keeps everything apply() reports (the start of the
// pass, each decision, the end), shared by the engine and hosted tests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "altpv/patcher.h"

namespace altpv::testing {

class RecordingObserver final : public DecisionObserver {
 public:
  void on_start(const FeatureSet& f, const Backend* b) override {
    events += 's';
    features = f;
    backend = b;
  }
  void on_decision(const Decision& decision) override {
    events += 'd';
    decisions.push_back(decision);
  }
  void on_finish(const ApplyStats& s) override {
    events += 'f';
    stats = s;
  }

  // The decision about the site at `address`, if one was reported.
  std::optional<Decision> at(std::uintptr_t address) const {
    for (const Decision& d : decisions) {
      if (d.address == address) return d;
    }
    return std::nullopt;
  }

  std::string events;  // 's', 'd' for each decision, 'f': the order of the calls
  FeatureSet features;
  const Backend* backend = nullptr;
  std::vector<Decision> decisions;
  ApplyStats stats;
};

}  // namespace altpv::testing
