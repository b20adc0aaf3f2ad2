// SPDX-License-Identifier: MIT
#include "site_table_builder.h"

#include <algorithm>
#include <stdexcept>

namespace altpv::testing {
namespace {

std::uintptr_t addr(const void* p) {
  return reinterpret_cast<std::uintptr_t>(p);
}

// INT3 between sites: a stray jump into the gaps would trap, and adjacent
// sites never touch, so only deliberate overlaps overlap.
constexpr std::uint8_t kGapByte = 0xcc;
constexpr std::size_t kGap = 8;

}  // namespace

SiteTableBuilder::Alt SiteTableBuilder::bytes(std::uint16_t cond, std::vector<std::uint8_t> b) {
  const auto len = static_cast<std::uint8_t>(b.size());
  return Alt{cond, AltKind::Bytes, std::move(b), len};
}

SiteTableBuilder::Alt SiteTableBuilder::call(std::uint16_t cond, AltKind kind,
                                             std::vector<std::uint8_t> setup) {
  const std::size_t call_len = kind == AltKind::Call ? ALTPV_CALL_LENGTH : ALTPV_CALL_RZ_LENGTH;
  const auto len = static_cast<std::uint8_t>(setup.size() + call_len);
  return Alt{cond, kind, std::move(setup), len};
}

SiteTableBuilder::SiteTableBuilder() {
  buf_.text.fill(kGapByte);
}

void SiteTableBuilder::point(std::int32_t& field, std::uintptr_t target) {
  field = static_cast<std::int32_t>(static_cast<std::intptr_t>(target - addr(&field)));
}

std::uint8_t* SiteTableBuilder::take_text(std::size_t n) {
  if (text_used_ + kGap + n > kTextSize) throw std::length_error("fake text full");
  text_used_ += kGap;
  std::uint8_t* p = buf_.text.data() + text_used_;
  text_used_ += n;
  return p;
}

std::uint8_t* SiteTableBuilder::take_repl(std::size_t n) {
  if (repl_used_ + n > kReplSize) throw std::length_error("fake altpv_repl full");
  std::uint8_t* p = buf_.repl.data() + repl_used_;
  repl_used_ += n;
  return p;
}

std::size_t SiteTableBuilder::add(const Site& site) {
  if (alts_used_ + site.alts.size() > kMaxAlts) throw std::length_error("fake altpv_alts full");
  const std::size_t first_alt = alts_used_;
  for (const Alt& a : site.alts) {
    AltRecord& rec = buf_.alts[alts_used_++];
    rec.cond = a.cond;
    rec.kind = a.kind;
    rec.len = a.len;
    std::uint8_t* repl = take_repl(a.bytes.size());
    // Not memcpy: a call without setup bytes has an empty vector, whose
    // data() may be null, and memcpy must never be given null.
    std::copy(a.bytes.begin(), a.bytes.end(), repl);
    point(rec.repl, addr(repl));
  }

  const std::size_t len = site.original.size();
  std::uint8_t* text = take_text(len);
  std::copy(site.original.begin(), site.original.end(), text);
  std::uint8_t* orig = take_repl(len);
  std::copy(site.original.begin(), site.original.end(), orig);

  const std::size_t index =
      add_raw(RawSite{addr(text), addr(orig), addr(&buf_.alts[first_alt]),
                      static_cast<std::uint8_t>(len), static_cast<std::uint8_t>(site.alts.size())});
  SiteRecord& rec = record(index);
  rec.op = site.op;
  rec.constant = site.constant.value_or(0);
  rec.flags = site.constant.has_value() ? kSiteHasConstant : 0;
  return index;
}

std::size_t SiteTableBuilder::add_raw(const RawSite& raw) {
  if (sites_used_ == kMaxSites) throw std::length_error("fake altpv_sites full");
  SiteRecord& rec = buf_.sites[sites_used_];
  rec = SiteRecord{};
  point(rec.site, raw.site);
  point(rec.orig, raw.orig);
  point(rec.alts, raw.alts);
  rec.len = raw.len;
  rec.nalts = raw.nalts;
  return sites_used_++;
}

std::size_t SiteTableBuilder::add_duplicate(std::size_t index) {
  const SiteRecord& r = record(index);
  const std::size_t dup =
      add_raw(RawSite{r.site_address(), r.orig_address(), r.alts_address(), r.len, r.nalts});
  record(dup).op = r.op;
  return dup;
}

std::size_t SiteTableBuilder::add_overlapping(std::size_t index, std::size_t offset,
                                              std::size_t len) {
  const SiteRecord& r = record(index);
  // No alternatives, and the original is the matching part of the site's
  // copy, so the overlap is the only thing wrong with it.
  return add_raw(RawSite{r.site_address() + offset, r.orig_address() + offset, r.alts_address(),
                         static_cast<std::uint8_t>(len != 0 ? len : r.len - offset), 0});
}

SiteRecord& SiteTableBuilder::record(std::size_t index) {
  return buf_.sites.at(index);
}

AltRecord& SiteTableBuilder::alt(std::size_t index, std::size_t alt) {
  return reinterpret_cast<AltRecord*>(record(index).alts_address())[alt];
}

std::uint8_t* SiteTableBuilder::text(std::size_t index) {
  return reinterpret_cast<std::uint8_t*>(record(index).site_address());
}

std::uintptr_t SiteTableBuilder::text_begin() const {
  return addr(buf_.text.data());
}
std::uintptr_t SiteTableBuilder::text_end() const {
  return text_begin() + kTextSize;
}
std::uintptr_t SiteTableBuilder::alts_begin() const {
  return addr(buf_.alts.data());
}
std::uintptr_t SiteTableBuilder::alts_end() const {
  return alts_begin() + alts_used_ * sizeof(AltRecord);
}
std::uintptr_t SiteTableBuilder::repl_begin() const {
  return addr(buf_.repl.data());
}
std::uintptr_t SiteTableBuilder::repl_end() const {
  return repl_begin() + repl_used_;
}

SiteTable SiteTableBuilder::table() const {
  SiteTable t;
  t.sites_begin = buf_.sites.data();
  t.sites_end = buf_.sites.data() + sites_used_;
  t.alts_begin = buf_.alts.data();
  t.alts_end = buf_.alts.data() + alts_used_;
  t.repl_begin = buf_.repl.data();
  t.repl_end = buf_.repl.data() + repl_used_;
  t.text_begin = text_begin();
  t.text_end = text_end();
  return t;
}

}  // namespace altpv::testing
