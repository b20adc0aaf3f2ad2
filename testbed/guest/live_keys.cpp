// SPDX-License-Identifier: MIT
#include "live_keys.h"

#include <cstring>
#include <new>

#include "altpv/linked_site_table.h"
#include "hypercall.h"
#include "panic.h"

// The patchable code range (guest.ld).
extern "C" const char __text_start[], __text_end[];

namespace altpv::guest {
namespace {

// Key sites of the guest itself; a larger table fails the boot.
constexpr std::size_t kMaxKeySites = 32;
// The guest and at most this many modules.
constexpr std::size_t kMaxKeyImages = 4;
// Out-of-line copies: two per key site at most, never freed.
constexpr std::size_t kCodeArenaSize = 16 * 1024;
constexpr std::size_t kCopyAlignment = 16;

template <typename T>
void bump(T& counter, std::uint64_t by = 1) {
  __atomic_fetch_add(&counter, by, __ATOMIC_RELAXED);
}

constinit LiveKeyStats stats = {};

// Executable because the VMM maps guest RAM without NX; written like text.
alignas(kCopyAlignment) constinit std::uint8_t code_arena[kCodeArenaSize] = {};

class VmLiveWriter final : public altpv::LiveTextWriter {
 public:
  bool write(std::uintptr_t address, const std::uint8_t* bytes, std::size_t len) override {
    bump(stats.writes);
    std::memcpy(reinterpret_cast<void*>(address), bytes, len);
    return true;
  }

  // The hypercall's own exit serialises this vCPU; SyncCores returns once
  // every other vCPU that was in the guest is serialised too.
  void sync() override {
    bump(stats.syncs);
    const HypercallResult r = hypercall(altpv::testbed::Hypercall::SyncCores);
    if (!r.ok()) panic("SyncCores failed: other vCPUs may run stale code");
    bump(stats.in_guest, r.value);
  }

  std::uintptr_t allocate_code(std::size_t size, std::uintptr_t) override {
    size = (size + kCopyAlignment - 1) / kCopyAlignment * kCopyAlignment;
    if (kCodeArenaSize - arena_used_ < size) {
      error_ = "the guest's arena for out-of-line copies is full";
      return 0;
    }
    const auto at = reinterpret_cast<std::uintptr_t>(code_arena) + arena_used_;
    arena_used_ += size;
    bump(stats.detours);
    return at;
  }

  // The #BP handler asks route_breakpoint() for every int3.
  bool route_traps() override { return true; }
  const char* error() const override { return error_; }

 private:
  std::size_t arena_used_ = 0;
  const char* error_ = "";
};

// One image's key sites; switches of every image take one lock.
class VmKeySites final : public altpv::KeySites {
 public:
  using KeySites::KeySites;

  altpv::KeySwitch switch_key(altpv::Key& key, bool enabled) override {
    while (__atomic_exchange_n(&switching, true, __ATOMIC_ACQUIRE)) asm volatile("pause");
    const altpv::KeySwitch r = KeySites::switch_key(key, enabled);
    __atomic_store_n(&switching, false, __ATOMIC_RELEASE);
    return r;
  }

 private:
  static inline constinit bool switching = false;
};

constinit VmLiveWriter writer;
constinit altpv::KeySiteSlot boot_slots[kMaxKeySites] = {};
constinit altpv::AttachResult boot_result = {};

// Constructed in place as each image attaches: globals must be constinit
// and a KeySites is not.
alignas(VmKeySites) constinit unsigned char image_storage[kMaxKeyImages][sizeof(VmKeySites)] = {};
constinit const VmKeySites* images[kMaxKeyImages] = {};
constinit std::size_t image_count = 0;

const VmKeySites* attach(const altpv::KeyTable& table, altpv::KeySiteSlot* slots,
                         std::size_t slot_count, altpv::AttachResult* result) {
  if (image_count == kMaxKeyImages) return nullptr;
  auto* sites = new (image_storage[image_count])
      VmKeySites(table, std::span<altpv::KeySiteSlot>(slots, slot_count), writer);
  *result = sites->attach();
  // Published after attach: the handler may consult it from now on.
  __atomic_store_n(&images[image_count], sites, __ATOMIC_RELEASE);
  __atomic_store_n(&image_count, image_count + 1, __ATOMIC_RELEASE);
  return sites;
}

}  // namespace

void attach_live_keys() {
  const altpv::KeyTable table = altpv::linked_key_table(
      reinterpret_cast<std::uintptr_t>(__text_start), reinterpret_cast<std::uintptr_t>(__text_end));
  if (table.size() > kMaxKeySites) panic("more key sites than kMaxKeySites (live_keys.cpp)");
  attach(table, boot_slots, kMaxKeySites, &boot_result);
  if (boot_result.refused != 0) panic("a key site record was refused");
}

const altpv::AttachResult& boot_key_sites() {
  return boot_result;
}

bool attach_module_keys(const altpv::KeyTable& table, altpv::KeySiteSlot* slots,
                        std::size_t slot_count, altpv::AttachResult* result) {
  return attach(table, slots, slot_count, result) != nullptr;
}

std::uintptr_t route_breakpoint(std::uintptr_t rip) {
  const std::size_t n = __atomic_load_n(&image_count, __ATOMIC_ACQUIRE);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uintptr_t to = images[i]->resume_address(rip - 1);
    if (to == 0) continue;
    bump(stats.int3_hits);
    return to;
  }
  return 0;
}

LiveKeyStats live_key_stats() {
  LiveKeyStats s;
  s.syncs = __atomic_load_n(&stats.syncs, __ATOMIC_RELAXED);
  s.in_guest = __atomic_load_n(&stats.in_guest, __ATOMIC_RELAXED);
  s.writes = __atomic_load_n(&stats.writes, __ATOMIC_RELAXED);
  s.int3_hits = __atomic_load_n(&stats.int3_hits, __ATOMIC_RELAXED);
  s.detours = __atomic_load_n(&stats.detours, __ATOMIC_RELAXED);
  return s;
}

}  // namespace altpv::guest
