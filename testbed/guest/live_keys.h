// SPDX-License-Identifier: MIT
// Keys (altpv/key.h) in the guest kernel: the engine's KeySites over the
// guest's own key sites and over each loaded module's, switched live while
// other vCPUs run them. The platform part is a LiveTextWriter for a VM:
// stores straight into text (identity mapped and writable), the SyncCores
// hypercall to synchronise every vCPU, a never-freed arena for the
// out-of-line copies, and the #BP handler (route_breakpoint).
#pragma once

#include <cstddef>
#include <cstdint>

#include "altpv/engine/key_sites.h"

namespace altpv::guest {

// Counts since boot, for figures and the stress tests.
struct LiveKeyStats {
  std::uint64_t syncs;      // SyncCores hypercalls
  std::uint64_t in_guest;   // other vCPUs in the guest at those calls (their rdx)
  std::uint64_t writes;     // stores into text and copies
  std::uint64_t int3_hits;  // #BPs at a switching site, sent on by the handler
  std::uint64_t detours;    // out-of-line copies made
};

// The guest's own key sites, attached at boot before anything runs them;
// panics when a record is refused or the table exceeds kMaxKeySites.
void attach_live_keys();
const altpv::AttachResult& boot_key_sites();

// Registers a module's key sites: `slots` (one per key site, kept as long as
// the module) and attaches them. False when every registration slot is taken.
bool attach_module_keys(const altpv::KeyTable& table, altpv::KeySiteSlot* slots,
                        std::size_t slot_count, altpv::AttachResult* result);

// For the #BP handler: `rip` as the CPU pushed it (after the int3). Returns
// where the vCPU continues, or 0 when the int3 is not at a switching site.
std::uintptr_t route_breakpoint(std::uintptr_t rip);

LiveKeyStats live_key_stats();

}  // namespace altpv::guest
