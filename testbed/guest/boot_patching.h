// SPDX-License-Identifier: MIT
// Patching the guest's own sites at boot, before any of them runs: the
// feature set (the VMM's CPU model, cpu_model.h; the synthetic PV
// bit, then altpv.features= overrides) and the engine's decision for each
// site, kept for the patch.decisions test.
#pragma once

#include <cstddef>
#include <cstdint>

#include "altpv/engine/planner.h"
#include "altpv/features.h"
#include "altpv/patcher.h"
#include "cmdline.h"

namespace altpv::guest {

// Sites the guest can patch: the engine needs a scratch entry per site and
// the guest has no heap. A larger table fails the boot with a clear message.
inline constexpr std::size_t kMaxPatchSites = 256;

struct SiteOutcome {
  std::uintptr_t address;
  int chosen;  // alternative index, or altpv::kOriginal
  altpv::Verdict verdict;
  altpv::Refusal refusal;
};

struct BootPatching {
  altpv::FeatureSet features;  // what the sites were patched for
  altpv::ApplyStats stats;
  SiteOutcome outcomes[kMaxPatchSites];  // in the order the engine decided
  std::size_t outcome_count;
};

// Patches every site and writes a `patching` record (feature set and
// counts); with `altpv.debug` on the command line also one `decision` record
// per site, else only for refused sites (docs/testbed.md). Panics on an
// unknown feature in altpv.features= or a site table larger than
// kMaxPatchSites.
void patch_at_boot(const Cmdline& cmdline);

const BootPatching& boot_patching();

}  // namespace altpv::guest
