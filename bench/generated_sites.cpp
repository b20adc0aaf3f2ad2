// SPDX-License-Identifier: MIT
#include "generated_sites.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <new>

#include "altpv/feature_bits.h"

namespace altpv::bench {
namespace {

constexpr std::uint8_t kOriginal[] = {0xb9, 0x7b, 0x00, 0x00, 0x00, 0x0f, 0x03, 0xc9};
constexpr std::uint8_t kRdpid[] = {0xf3, 0x0f, 0xc7, 0xf9};
constexpr std::uint8_t kRdtscp[] = {0x0f, 0x01, 0xf9};
constexpr std::size_t kAltsPerSite = 2;
constexpr std::size_t kReplPerSite = sizeof kOriginal + sizeof kRdpid + sizeof kRdtscp;
// Each site sits in a 16-byte slot, the rest INT3: sites are sparse in real
// text, and the patcher must not find them adjacent.
constexpr std::size_t kTextSlot = 16;

std::size_t page_round(std::size_t n) {
  const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return (n + page - 1) / page * page;
}

void point(std::int32_t& field, const void* target) {
  field = static_cast<std::int32_t>(reinterpret_cast<std::intptr_t>(target) -
                                    reinterpret_cast<std::intptr_t>(&field));
}

std::uint8_t* append(std::uint8_t*& cursor, const std::uint8_t* bytes, std::size_t n) {
  std::uint8_t* at = cursor;
  std::memcpy(at, bytes, n);
  cursor += n;
  return at;
}

}  // namespace

GeneratedSites::GeneratedSites(std::size_t count, bool executable_text) {
  // One mapping, so that every offset between the regions fits in 32 bits.
  const std::size_t text_size = page_round(count * kTextSlot);
  const std::size_t sites_size = count * sizeof(SiteRecord);
  const std::size_t alts_size = count * kAltsPerSite * sizeof(AltRecord);
  map_size_ = text_size + page_round(sites_size + alts_size + count * kReplPerSite);
  map_ = mmap(nullptr, map_size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (map_ == MAP_FAILED) throw std::bad_alloc();

  auto* text = static_cast<std::uint8_t*>(map_);
  auto* sites = reinterpret_cast<SiteRecord*>(text + text_size);
  auto* alts = reinterpret_cast<AltRecord*>(reinterpret_cast<std::uint8_t*>(sites) + sites_size);
  auto* repl = reinterpret_cast<std::uint8_t*>(alts) + alts_size;
  std::memset(text, 0xcc, text_size);

  for (std::size_t i = 0; i < count; ++i) {
    SiteRecord& site = sites[i];
    AltRecord* alt = &alts[i * kAltsPerSite];
    std::uint8_t* code = text + i * kTextSlot;
    std::memcpy(code, kOriginal, sizeof kOriginal);
    point(site.site, code);
    point(site.orig, append(repl, kOriginal, sizeof kOriginal));
    point(site.alts, alt);
    site.len = sizeof kOriginal;
    site.nalts = kAltsPerSite;

    point(alt[0].repl, append(repl, kRdpid, sizeof kRdpid));
    alt[0].cond = ALTPV_FEATURE_RDPID;
    alt[0].kind = AltKind::Bytes;
    alt[0].len = sizeof kRdpid;
    point(alt[1].repl, append(repl, kRdtscp, sizeof kRdtscp));
    alt[1].cond = ALTPV_FEATURE_RDTSCP;
    alt[1].kind = AltKind::Bytes;
    alt[1].len = sizeof kRdtscp;
  }
  if (executable_text) mprotect(text, text_size, PROT_READ | PROT_EXEC);

  table_.sites_begin = sites;
  table_.sites_end = sites + count;
  table_.alts_begin = alts;
  table_.alts_end = alts + count * kAltsPerSite;
  table_.repl_begin = reinterpret_cast<std::uint8_t*>(alts) + alts_size;
  table_.repl_end = repl;
  table_.text_begin = reinterpret_cast<std::uintptr_t>(text);
  table_.text_end = table_.text_begin + text_size;
}

GeneratedSites::~GeneratedSites() {
  munmap(map_, map_size_);
}

}  // namespace altpv::bench
