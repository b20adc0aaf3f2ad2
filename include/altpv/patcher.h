// SPDX-License-Identifier: MIT
// Applying a plan: verify each site, then write through a TextWriter.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "altpv/backend.h"
#include "altpv/engine/planner.h"
#include "altpv/engine/site_records.h"
#include "altpv/engine/text_writer.h"
#include "altpv/features.h"

namespace altpv {

// Each site is counted once in patched, unchanged or refused (what the pass
// did), and, unless refused, in original when it runs its original after
// the pass (kept or restored).
struct ApplyStats {
  std::size_t sites = 0;
  std::size_t patched = 0;    // rewritten
  std::size_t unchanged = 0;  // already held the chosen bytes
  std::size_t refused = 0;
  std::size_t no_backend = 0;  // of the refused: a call needs a backend, none or not ready
  std::size_t original = 0;
  bool table_rejected = false;  // scratch too small: nothing was written
};

// Follows a patching pass: its start, every decision in address order after
// it was carried out, and its end (after the writer's sync).
class DecisionObserver {
 public:
  virtual void on_start(const FeatureSet& /*features*/, const Backend* /*backend*/) {}
  virtual void on_decision(const Decision& decision) = 0;
  virtual void on_finish(const ApplyStats& /*stats*/) {}

 protected:
  ~DecisionObserver() = default;
};

// Plans and applies every site of `table`. `scratch` must hold at least
// table.size() entries; it is used to find overlapping and duplicated
// records without a heap. Refused sites are never written.
ApplyStats apply(const SiteTable& table, const FeatureSet& features, const Backend* backend,
                 TextWriter& writer, std::span<std::uint32_t> scratch,
                 DecisionObserver* observer = nullptr);

}  // namespace altpv
