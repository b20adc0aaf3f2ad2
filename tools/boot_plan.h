// SPDX-License-Identifier: MIT
// The decisions the engine would make at boot, without writing anything:
// altpv::apply() over the laid-out image, so that overlapping and duplicated
// records are found and decisions come in the same order as a guest's report.
#pragma once

#include <vector>

#include "altpv/backend.h"
#include "altpv/engine/planner.h"
#include "altpv/features.h"
#include "site_image.h"

namespace altpv::inspect {

// Decisions in apply() order, with `address` translated to the ELF vaddr.
std::vector<Decision> plan_boot(const SiteImage& image, const FeatureSet& features,
                                const Backend* backend);

}  // namespace altpv::inspect
