// SPDX-License-Identifier: MIT
#include "altpv/engine/live_patcher.h"

#include <cstring>

namespace altpv {
namespace {

// jmp *0(%rip), then the 8-byte target it reads.
constexpr std::uint8_t kJmpRipIndirect[] = {0xff, 0x25, 0x00, 0x00, 0x00, 0x00};
static_assert(sizeof kJmpRipIndirect + 8 == kDetourJumpLength);

// The bytes of [1, len) that differ, as [*first, *last); false when none do.
bool changed_tail(const LiveChange& c, std::size_t* first, std::size_t* last) {
  std::size_t lo = 1;
  while (lo < c.len && c.old_bytes[lo] == c.new_bytes[lo]) ++lo;
  if (lo == c.len) return false;
  std::size_t hi = c.len;
  while (c.old_bytes[hi - 1] == c.new_bytes[hi - 1]) --hi;
  *first = lo;
  *last = hi;
  return true;
}

}  // namespace

std::uintptr_t live_resume_address(const LiveRoute& route) {
  const std::uintptr_t detour = route.detour.load(std::memory_order_acquire);
  if (detour == 0) return 0;
  // The switch may have finished since this CPU trapped: then the site holds
  // whole new bytes again and the CPU runs them in place.
  const auto first = *reinterpret_cast<const volatile std::uint8_t*>(route.site);
  return first == kInt3 ? detour : route.site;
}

bool live_write(std::span<const LiveChange> changes, LiveTextWriter& writer) {
  // Routes first: a CPU may hit an int3 as soon as it is written, before the
  // sync that follows.
  for (const LiveChange& c : changes) c.route->detour.store(c.detour, std::memory_order_release);

  // 1. int3 over every first byte. Until the sync, a CPU may still be
  // running the old bytes; after it, every CPU that reaches a site traps.
  for (std::size_t i = 0; i < changes.size(); ++i) {
    if (writer.write(changes[i].route->site, &kInt3, 1)) continue;
    // Put back the first bytes already covered; a site where even that fails
    // keeps its int3 and its route.
    for (std::size_t j = 0; j < i; ++j) {
      writer.write(changes[j].route->site, changes[j].old_bytes, 1);
    }
    writer.sync();
    return false;
  }
  writer.sync();

  // 2. The tails, which no CPU can now enter except through its first byte.
  bool wrote_tail = false;
  for (const LiveChange& c : changes) {
    std::size_t first = 0, last = 0;
    if (!changed_tail(c, &first, &last)) continue;
    if (!writer.write(c.route->site + first, c.new_bytes + first, last - first)) return false;
    wrote_tail = true;
  }
  if (wrote_tail) writer.sync();

  // 3. The new first bytes: each site is whole again.
  bool ok = true;
  for (const LiveChange& c : changes) ok = writer.write(c.route->site, c.new_bytes, 1) && ok;
  writer.sync();
  return ok;
}

std::size_t render_detour(const std::uint8_t* content, std::size_t len, std::uintptr_t resume,
                          std::uint8_t* out) {
  std::memcpy(out, content, len);
  std::memcpy(out + len, kJmpRipIndirect, sizeof kJmpRipIndirect);
  std::memcpy(out + len + sizeof kJmpRipIndirect, &resume, sizeof resume);
  return len + kDetourJumpLength;
}

}  // namespace altpv
