// SPDX-License-Identifier: MIT
// Applying a plan: verify each site, then write through a TextWriter.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "altpv/backend.h"
#include "altpv/features.h"
#include "altpv/engine/planner.h"
#include "altpv/engine/site_records.h"
#include "altpv/engine/text_writer.h"

namespace altpv {

// Receives every decision, in address order, after it was carried out.
class DecisionObserver {
 public:
  virtual void on_decision(const Decision& decision) = 0;

 protected:
  ~DecisionObserver() = default;
};

struct ApplyStats {
  std::size_t sites = 0;
  std::size_t patched = 0;
  std::size_t unchanged = 0;
  std::size_t refused = 0;
  bool table_rejected = false;  // scratch too small: nothing was written
};

// Plans and applies every site of `table`. `scratch` must hold at least
// table.size() entries; it is used to find overlapping and duplicated
// records without a heap. Refused sites are never written.
ApplyStats apply(const SiteTable& table, const FeatureSet& features, const Backend* backend,
                 TextWriter& writer, std::span<std::uint32_t> scratch,
                 DecisionObserver* observer = nullptr);

}  // namespace altpv
