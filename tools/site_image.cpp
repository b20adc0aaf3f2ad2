// SPDX-License-Identifier: MIT
#include "site_image.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace altpv::inspect {
namespace {

// Larger spans are not a program we can lay out (or a corrupt address).
constexpr std::uint64_t kMaxSpan = std::uint64_t{1} << 30;
// The base is page-aligned so the buffer keeps every record's alignment.
constexpr std::uint64_t kPage = 4096;

// A section holding site records must be laid out with its bytes, sized in
// whole records and aligned as the records are (the macros use .balign 4).
void require_table(const ElfFile& elf, const Section& s, std::size_t record) {
  if (!s.has_file_bytes()) elf.fail(fmt::format("section {}: has no contents (NOBITS)", s.name));
  if (!s.allocated()) {
    elf.fail(
        fmt::format("section {}: not allocated (no SHF_ALLOC), so its offsets cannot "
                    "be resolved",
                    s.name));
  }
  if (s.size % record != 0) {
    elf.fail(fmt::format("section {}: size {} not a multiple of {}", s.name, s.size, record));
  }
  // Records are 4-byte aligned; bytes (record size 1) need no alignment.
  const std::size_t align = record == 1 ? 1 : alignof(SiteRecord);
  if (s.addr % align != 0) {
    elf.fail(fmt::format("section {}: address {:#x} not {}-byte aligned", s.name, s.addr, align));
  }
}

}  // namespace

SiteImage::SiteImage(const ElfFile& elf) {
  const auto non_empty = [&](const char* name) {
    const Section* s = elf.find_section(name);
    return s != nullptr && s->size != 0 ? s : nullptr;
  };
  const Section* sites = non_empty(kSitesSection);
  const Section* key_sites = non_empty(kKeySitesSection);
  const Section* key_refs = non_empty(kKeyRefsSection);
  if (sites == nullptr && key_sites == nullptr) return;
  const Section* alts = elf.find_section(kAltsSection);
  const Section* repl = elf.find_section(kReplSection);
  const Section* records = sites != nullptr ? sites : key_sites;
  if (sites != nullptr) require_table(elf, *sites, sizeof(SiteRecord));
  if (key_sites != nullptr) {
    require_table(elf, *key_sites, sizeof(SiteRecord));
    if (key_refs == nullptr) {
      elf.fail(fmt::format("section {} missing or empty, but {} has {} records", kKeyRefsSection,
                           kKeySitesSection, key_sites->size / sizeof(SiteRecord)));
    }
    require_table(elf, *key_refs, sizeof(KeyRef));
  }
  // A table whose sites have no alternatives may have no altpv_alts at all.
  if (alts != nullptr) require_table(elf, *alts, sizeof(AltRecord));
  if (repl == nullptr || repl->size == 0) {
    elf.fail(fmt::format("section {} missing or empty, but {} has {} records", kReplSection,
                         records->name, records->size / sizeof(SiteRecord)));
  }
  require_table(elf, *repl, 1);

  std::uint64_t lo = UINT64_MAX, hi = 0, text_lo = UINT64_MAX, text_hi = 0;
  for (const Section& s : elf.sections()) {
    if (!s.allocated() || !s.has_file_bytes() || s.size == 0) continue;
    lo = std::min(lo, s.addr);
    hi = std::max(hi, s.addr + s.size);
    if (s.executable()) {
      text_lo = std::min(text_lo, s.addr);
      text_hi = std::max(text_hi, s.addr + s.size);
    }
  }
  if (text_hi == 0) elf.fail("no executable sections");
  base_ = lo / kPage * kPage;
  if (hi - base_ > kMaxSpan) {
    elf.fail(
        fmt::format("allocated sections span {:#x} bytes, more than the {:#x} this tool "
                    "lays out",
                    hi - base_, kMaxSpan));
  }
  size_ = hi - base_;
  buffer_.reset(static_cast<std::uint8_t*>(std::calloc(size_, 1)));
  if (!buffer_) {
    elf.fail(fmt::format("cannot allocate {:#x} bytes to lay out the allocated sections", size_));
  }
  for (const Section& s : elf.sections()) {
    if (!s.allocated() || !s.has_file_bytes() || s.size == 0) continue;
    const auto bytes = elf.contents(s);
    std::memcpy(buffer_.get() + (s.addr - base_), bytes.data(), bytes.size());
  }

  const auto at = [&](std::uint64_t address) { return buffer_.get() + (address - base_); };
  if (sites != nullptr) {
    table_.sites_begin = reinterpret_cast<const SiteRecord*>(at(sites->addr));
    table_.sites_end = reinterpret_cast<const SiteRecord*>(at(sites->addr + sites->size));
  }
  if (alts != nullptr && alts->size != 0) {
    table_.alts_begin = reinterpret_cast<const AltRecord*>(at(alts->addr));
    table_.alts_end = reinterpret_cast<const AltRecord*>(at(alts->addr + alts->size));
  }
  table_.repl_begin = at(repl->addr);
  table_.repl_end = at(repl->addr + repl->size);
  table_.text_begin = reinterpret_cast<std::uintptr_t>(at(text_lo));
  table_.text_end = reinterpret_cast<std::uintptr_t>(at(text_hi));
  if (key_sites != nullptr) {
    key_table_.sites = table_;
    key_table_.sites.sites_begin = reinterpret_cast<const SiteRecord*>(at(key_sites->addr));
    key_table_.sites.sites_end =
        reinterpret_cast<const SiteRecord*>(at(key_sites->addr + key_sites->size));
    key_table_.refs_begin = reinterpret_cast<const KeyRef*>(at(key_refs->addr));
    key_table_.refs_end = reinterpret_cast<const KeyRef*>(at(key_refs->addr + key_refs->size));
  }
}

std::optional<std::span<const std::uint8_t>> SiteImage::bytes_at(std::uint64_t address,
                                                                 std::size_t len) const {
  if (address < base_ || address - base_ > size_ || len > size_ - (address - base_)) {
    return std::nullopt;
  }
  return std::span<const std::uint8_t>(buffer_.get() + (address - base_), len);
}

}  // namespace altpv::inspect
