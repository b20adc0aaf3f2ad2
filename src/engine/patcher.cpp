// SPDX-License-Identifier: MIT
#include "altpv/patcher.h"

namespace altpv {
namespace {

// Marks kept in the top bits of a scratch entry; the rest is a site index.
constexpr std::uint32_t kOverlapMark = 1u << 31;
constexpr std::uint32_t kDuplicateMark = 1u << 30;
constexpr std::uint32_t kIndexMask = kDuplicateMark - 1;

std::uintptr_t key(const SiteTable& table, std::uint32_t entry) {
  return table.sites_begin[entry & kIndexMask].site_address();
}

void sift_down(const SiteTable& table, std::span<std::uint32_t> a, std::size_t root,
               std::size_t n) {
  for (;;) {
    std::size_t child = 2 * root + 1;
    if (child >= n) return;
    if (child + 1 < n && key(table, a[child + 1]) > key(table, a[child])) ++child;
    if (key(table, a[root]) >= key(table, a[child])) return;
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

// After sorting, a site overlaps its successor when the successor starts
// before it ends. Both are refused: neither can be trusted.
void mark_conflicts(const SiteTable& table, std::span<std::uint32_t> a) {
  for (std::size_t i = 1; i < a.size(); ++i) {
    const SiteRecord& prev = table.sites_begin[a[i - 1] & kIndexMask];
    const SiteRecord& cur = table.sites_begin[a[i] & kIndexMask];
    const std::uintptr_t prev_end = prev.site_address() + prev.len;
    if (cur.site_address() >= prev_end) continue;
    const bool same = cur.site_address() == prev.site_address() && cur.len == prev.len;
    const std::uint32_t mark = same ? kDuplicateMark : kOverlapMark;
    a[i - 1] |= mark;
    a[i] |= mark;
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
