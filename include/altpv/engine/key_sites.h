// SPDX-License-Identifier: MIT
// One image's key sites (altpv/key.h) and switching them live. Freestanding:
// the caller supplies the storage and a LiveTextWriter; a kernel registers
// its own table at boot and a module's when it loads, a process each image
// as it loads (src/hosted/image_loader.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "altpv/engine/live_patcher.h"
#include "altpv/engine/site_records.h"
#include "altpv/key.h"

namespace altpv {

// A key site's reference to its key (section altpv_key_refs, 8 bytes).
struct KeyRef {
  std::int32_t site;  // -> its SiteRecord in altpv_key_sites
  std::int32_t key;   // -> the altpv::Key

  std::uintptr_t site_address() const { return resolve_offset(site); }
  std::uintptr_t key_address() const { return resolve_offset(key); }
};
static_assert(sizeof(KeyRef) == 8);

// An image's key sites: altpv_key_sites with the image's altpv_alts,
// altpv_repl and text range, and the references to their keys.
struct KeyTable {
  SiteTable sites;
  const KeyRef* refs_begin = nullptr;
  const KeyRef* refs_end = nullptr;

  std::size_t size() const { return static_cast<std::size_t>(refs_end - refs_begin); }
};

// What switching one key site needs, kept for as long as the image lives.
struct KeySiteSlot {
  LiveRoute route;
  // The altpv::Key's address (not a Key*: Key is hidden, this is not); 0
  // when attach() refused the record.
  std::uintptr_t key = 0;
  std::size_t index = 0;  // in KeyTable::sites
  std::uint8_t len = 0;
  // Out-of-line copies of the disabled and the enabled state, made the first
  // time the site switches to that state.
  std::uintptr_t detours[2] = {};
};

struct AttachResult {
  std::size_t sites = 0;    // key sites attached
  std::size_t refused = 0;  // records refused (invalid, or not a two-state site)
  std::size_t enabled = 0;  // sites written because their key starts enabled
};

class KeySites {
 public:
  // `slots` needs table.size() entries. Keys hold a pointer to this object:
  // it must live as long as the image.
  KeySites(const KeyTable& table, std::span<KeySiteSlot> slots, LiveTextWriter& writer);
  KeySites(const KeySites&) = delete;
  KeySites& operator=(const KeySites&) = delete;

  // Checks every record, ties each key to these sites and puts each site in
  // its key's state with plain writes: only while nothing can run the sites
  // (before the image's code runs).
  AttachResult attach();

  // Switches every site of `key` live. Callers serialise switches of one
  // image (the hosted override takes a mutex).
  virtual KeySwitch switch_key(Key& key, bool enabled);

  // For the trap handler: where a CPU that executed an int3 at `address`
  // continues; 0 when it is not one of ours.
  std::uintptr_t resume_address(std::uintptr_t address) const;

 protected:
  ~KeySites() = default;

 private:
  // Makes the out-of-line copy of `slot` in `state` unless it exists; sets
  // *made when it wrote one. Returns why it could not, or nullptr.
  const char* make_detour(KeySiteSlot& slot, bool state, bool* made);

  KeyTable table_;
  std::span<KeySiteSlot> slots_;  // attached slots first, sorted by site
  std::size_t attached_ = 0;
  LiveTextWriter& writer_;
};

}  // namespace altpv
