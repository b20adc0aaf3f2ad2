// SPDX-License-Identifier: MIT
#include "altpv/patcher.h"

namespace altpv {
namespace {

// Marks kept in the top bits of a scratch entry; the rest is a site index.
constexpr std::uint32_t kOverlapMark = 1u << 31;
constexpr std::uint32_t kDuplicateMark = 1u << 30;
constexpr std::uint32_t kIndexMask = kDuplicateMark - 1;

const SiteRecord& record(const SiteTable& table, std::uint32_t entry) {
  return table.sites_begin[entry & kIndexMask];
}

// Address, then length: duplicated records sort next to each other even
// among other records that start at the same byte.
bool before(const SiteTable& table, std::uint32_t a, std::uint32_t b) {
  const SiteRecord& x = record(table, a);
  const SiteRecord& y = record(table, b);
  if (x.site_address() != y.site_address()) return x.site_address() < y.site_address();
  return x.len < y.len;
}

void sift_down(const SiteTable& table, std::span<std::uint32_t> a, std::size_t root,
               std::size_t n) {
  for (;;) {
    std::size_t child = 2 * root + 1;
    if (child >= n) return;
    if (child + 1 < n && before(table, a[child], a[child + 1])) ++child;
    if (!before(table, a[root], a[child])) return;
    const std::uint32_t t = a[root];
    a[root] = a[child];
    a[child] = t;
    root = child;
  }
}

// Heapsort by site address: O(n log n), in place, no heap allocation.
void sort_by_address(const SiteTable& table, std::span<std::uint32_t> a) {
  const std::size_t n = a.size();
  for (std::size_t i = n / 2; i-- > 0;) sift_down(table, a, i, n);
  for (std::size_t end = n; end-- > 1;) {
    const std::uint32_t t = a[0];
    a[0] = a[end];
    a[end] = t;
    sift_down(table, a, 0, end);
  }
}

std::uintptr_t end_of(const SiteRecord& r) {
  return r.site_address() + r.len;
}

// Every site that shares a byte with any other is refused: neither can be
// trusted. In address order a site overlaps an earlier one exactly when it
// starts before the furthest end so far (not just its neighbour's end: a
// long site can cover several later ones), and a later one exactly when its
// successor starts before it ends.
void mark_conflicts(const SiteTable& table, std::span<std::uint32_t> a) {
  std::uintptr_t furthest_end = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const SiteRecord& cur = record(table, a[i]);
    const bool overlaps_earlier = i > 0 && cur.site_address() < furthest_end;
    const bool overlaps_later =
        i + 1 < a.size() && record(table, a[i + 1]).site_address() < end_of(cur);
    if (overlaps_earlier || overlaps_later) a[i] |= kOverlapMark;
    if (end_of(cur) > furthest_end) furthest_end = end_of(cur);
    if (i > 0) {
      const SiteRecord& prev = record(table, a[i - 1]);
      if (prev.site_address() == cur.site_address() && prev.len == cur.len) {
        a[i - 1] |= kDuplicateMark;
        a[i] |= kDuplicateMark;
      }
    }
  }
}

}  // namespace

ApplyStats apply(const SiteTable& table, const FeatureSet& features, const Backend* backend,
                 TextWriter& writer, std::span<std::uint32_t> scratch, DecisionObserver* observer) {
  ApplyStats stats;
  stats.sites = table.size();
  if (observer != nullptr) observer->on_start(features, backend);
  if (scratch.size() < stats.sites || stats.sites > kIndexMask) {
    stats.table_rejected = true;
    if (observer != nullptr) observer->on_finish(stats);
    return stats;
  }
  const std::span<std::uint32_t> order = scratch.first(stats.sites);
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::uint32_t>(i);
  sort_by_address(table, order);
  mark_conflicts(table, order);

  bool wrote = false;
  for (const std::uint32_t entry : order) {
    Decision d = plan_site(table, entry & kIndexMask, features, backend);
    if (d.refusal == Refusal::None && (entry & (kOverlapMark | kDuplicateMark)) != 0) {
      d.refusal = (entry & kDuplicateMark) != 0 ? Refusal::Duplicate : Refusal::Overlap;
    }
    if (d.refusal != Refusal::None) {
      d.verdict = Verdict::Refused;
    } else if (d.verdict == Verdict::Patch) {
      if (writer.write(d.address, d.new_bytes, d.len)) {
        wrote = true;
      } else {
        d.verdict = Verdict::Refused;
        d.refusal = Refusal::WriteFailed;
      }
    }
    switch (d.verdict) {
      case Verdict::Patch:
        ++stats.patched;
        break;
      case Verdict::Unchanged:
        ++stats.unchanged;
        break;
      case Verdict::Refused:
        ++stats.refused;
        if (d.refusal == Refusal::NoBackend || d.refusal == Refusal::BackendNotReady) {
          ++stats.no_backend;
        }
        break;
    }
    if (d.verdict != Verdict::Refused && d.chosen == kOriginal) ++stats.original;
    if (observer != nullptr) observer->on_decision(d);
  }
  if (wrote) writer.sync();
  if (observer != nullptr) observer->on_finish(stats);
  return stats;
}

}  // namespace altpv
