// SPDX-License-Identifier: MIT
#include "altpv/engine/key_sites.h"

#include "altpv/engine/planner.h"

namespace altpv {
namespace {

// The enabled state is a key site's one alternative; disabled is the original.
constexpr int kEnabledChoice = 0;

int choice(bool enabled) {
  return enabled ? kEnabledChoice : kOriginal;
}

// Sites switched per live_write: the protocol's three syncs are paid once per
// batch, and the decisions live on the stack (no heap in the engine).
constexpr std::size_t kBatch = 8;

// Slots hold atomics, so sorting moves their fields one by one (at attach,
// before anything reads them).
void swap_slots(KeySiteSlot& a, KeySiteSlot& b) {
  const std::uintptr_t site = a.route.site;
  a.route.site = b.route.site;
  b.route.site = site;
  const std::uintptr_t key = a.key;
  a.key = b.key;
  b.key = key;
  const std::size_t index = a.index;
  a.index = b.index;
  b.index = index;
  const std::uint8_t len = a.len;
  a.len = b.len;
  b.len = len;
}

// A two-state site: one alternative, of plain bytes, as long as the site.
bool is_key_site(const SiteTable& table, std::size_t index) {
  if (validate_site(table, index) != Refusal::None) return false;
  const SiteRecord& site = table.sites_begin[index];
  if (site.nalts != 1) return false;
  const auto& alt = *reinterpret_cast<const AltRecord*>(site.alts_address());
  return alt.kind == AltKind::Bytes && alt.len == site.len;
}

}  // namespace

KeySwitch Key::set(bool enabled) {
  KeySites* const sites = sites_.load(std::memory_order_acquire);
  if (sites != nullptr) return sites->switch_key(*this, enabled);
  enabled_.store(enabled, std::memory_order_release);
  KeySwitch r;
  r.ok = true;
  return r;
}

KeySites::KeySites(const KeyTable& table, std::span<KeySiteSlot> slots, LiveTextWriter& writer)
    : table_(table), slots_(slots), writer_(writer) {}

AttachResult KeySites::attach() {
  AttachResult r;
  if (slots_.size() < table_.size()) {
    r.refused = table_.size();
    return r;
  }
  const auto sites_begin = reinterpret_cast<std::uintptr_t>(table_.sites.sites_begin);
  const auto sites_end = reinterpret_cast<std::uintptr_t>(table_.sites.sites_end);
  std::size_t n = 0;
  for (const KeyRef* ref = table_.refs_begin; ref != table_.refs_end; ++ref) {
    const std::uintptr_t record = ref->site_address();
    const std::size_t index = (record - sites_begin) / sizeof(SiteRecord);
    if (record < sites_begin || record >= sites_end ||
        (record - sites_begin) % sizeof(SiteRecord) != 0 || !is_key_site(table_.sites, index)) {
      ++r.refused;
      continue;
    }
    KeySiteSlot& slot = slots_[n++];
    slot.route.site = table_.sites.sites_begin[index].site_address();
    slot.key = ref->key_address();
    slot.index = index;
    slot.len = table_.sites.sites_begin[index].len;
  }
  // Sorted by site for resume_address. The records come mostly in address
  // order already, where insertion sort is linear.
  for (std::size_t i = 1; i < n; ++i) {
    for (std::size_t j = i; j > 0 && slots_[j - 1].route.site > slots_[j].route.site; --j) {
      swap_slots(slots_[j - 1], slots_[j]);
    }
  }
  // A site claimed twice could be switched by two keys: neither may.
  for (std::size_t i = 1; i < n; ++i) {
    if (slots_[i - 1].route.site + slots_[i - 1].len <= slots_[i].route.site) continue;
    slots_[i - 1].key = 0;
    slots_[i].key = 0;
  }
  attached_ = n;

  bool wrote = false;
  for (KeySiteSlot& slot : slots_.first(n)) {
    if (slot.key == 0) {
      ++r.refused;
      continue;
    }
    Key& key = *reinterpret_cast<Key*>(slot.key);
    key.sites_.store(this, std::memory_order_release);
    ++r.sites;
    if (!key.enabled()) continue;
    const Decision d = plan_choice(table_.sites, slot.index, kEnabledChoice, nullptr);
    if (d.verdict == Verdict::Patch && writer_.write(d.address, d.new_bytes, d.len)) {
      wrote = true;
      ++r.enabled;
    }
  }
  if (wrote) writer_.sync();
  return r;
}

const char* KeySites::make_detour(KeySiteSlot& slot, bool state, bool* made) {
  std::uintptr_t& detour = slot.detours[state ? 1 : 0];
  if (detour != 0) return nullptr;
  const std::uintptr_t at = writer_.allocate_code(slot.len + kDetourJumpLength, slot.route.site);
  if (at == 0) return writer_.error();
  std::uint8_t content[kMaxSiteLength];
  if (!render_choice_at(table_.sites, slot.index, choice(state), nullptr, at, content)) {
    return "a key site's state cannot run out of line";
  }
  std::uint8_t bytes[kMaxDetourLength];
  const std::size_t len = render_detour(content, slot.len, slot.route.site + slot.len, bytes);
  if (!writer_.write(at, bytes, len)) return writer_.error();
  detour = at;
  *made = true;
  return nullptr;
}

KeySwitch KeySites::switch_key(Key& key, bool enabled) {
  KeySwitch r;
  const auto mine = reinterpret_cast<std::uintptr_t>(&key);
  const std::span<KeySiteSlot> attached = slots_.first(attached_);
  // All or nothing: every site of the key must hold a state we know.
  std::size_t pending = 0;
  for (const KeySiteSlot& slot : attached) {
    if (slot.key != mine) continue;
    ++r.sites;
    const Decision d = plan_choice(table_.sites, slot.index, choice(enabled), nullptr);
    if (d.refusal != Refusal::None) {
      r.error = refusal_name(d.refusal);
      return r;
    }
    if (d.verdict == Verdict::Patch) ++pending;
  }
  if (pending > 0) {
    if (!writer_.route_traps()) {
      r.error = writer_.error();
      return r;
    }
    // The out-of-line copies must reach every CPU's instruction fetch before
    // an int3 can send a CPU to one.
    bool made = false;
    for (KeySiteSlot& slot : attached) {
      if (slot.key != mine) continue;
      if (const char* error = make_detour(slot, enabled, &made)) {
        r.error = error;
        return r;
      }
    }
    if (made) writer_.sync();
  }

  Decision decisions[kBatch];
  LiveChange changes[kBatch];
  std::size_t n = 0;
  const auto flush = [&] {
    const bool ok = live_write(std::span<const LiveChange>(changes, n), writer_);
    if (ok) r.written += n;
    n = 0;
    return ok;
  };
  for (KeySiteSlot& slot : attached) {
    if (slot.key != mine) continue;
    decisions[n] = plan_choice(table_.sites, slot.index, choice(enabled), nullptr);
    if (decisions[n].verdict != Verdict::Patch) continue;
    changes[n] = LiveChange{&slot.route, slot.len, decisions[n].old_bytes, decisions[n].new_bytes,
                            slot.detours[enabled ? 1 : 0]};
    if (++n == kBatch && !flush()) {
      r.error = writer_.error();
      return r;
    }
  }
  if (n > 0 && !flush()) {
    r.error = writer_.error();
    return r;
  }
  key.enabled_.store(enabled, std::memory_order_release);
  r.ok = true;
  return r;
}

std::uintptr_t KeySites::resume_address(std::uintptr_t address) const {
  std::size_t lo = 0, hi = attached_;
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (slots_[mid].route.site < address) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo == attached_ || slots_[lo].route.site != address) return 0;
  return live_resume_address(slots_[lo].route);
}

}  // namespace altpv
