// SPDX-License-Identifier: MIT
#include "key_site_checker.h"

#include <algorithm>

#include <fmt/format.h>

#include "alternative_bytes.h"
#include "altpv/engine/planner.h"
#include "altpv/engine/report.h"
#include "disassembler.h"

namespace altpv::inspect {
namespace {

void check_state(const char* state, std::span<const std::uint8_t> bytes, std::uint64_t address,
                 KeySite& k) {
  const Disassembly d = disassemble(bytes, address);
  if (!d.error.empty()) {
    k.problems.push_back(fmt::format("the {} state does not decode: {}", state, d.error));
  } else if (d.instructions.size() != 1) {
    k.problems.push_back(
        fmt::format("the {} state is {} instructions; each state of a key site must be one, or "
                    "a CPU stopped between them resumes inside the other state",
                    state, d.instructions.size()));
  }
}

}  // namespace

std::vector<KeySite> key_sites(const InspectedFile& f) {
  const KeyTable& table = f.image.key_table();
  const auto begin = reinterpret_cast<std::uintptr_t>(table.sites.sites_begin);
  const auto end = reinterpret_cast<std::uintptr_t>(table.sites.sites_end);
  std::vector<KeySite> out;
  for (std::size_t i = 0; i < table.size(); ++i) {
    const KeyRef& ref = table.refs_begin[i];
    KeySite k;
    k.ref = i;
    k.key = f.image.vaddr(ref.key_address());
    const std::uintptr_t record = ref.site_address();
    if (record < begin || record >= end || (record - begin) % sizeof(SiteRecord) != 0) {
      k.problems.push_back(
          fmt::format("reference {} does not point at a record in {}", i, kKeySitesSection));
      out.push_back(std::move(k));
      continue;
    }
    const std::size_t index = (record - begin) / sizeof(SiteRecord);
    const SiteRecord& site = table.sites.sites_begin[index];
    k.record = index;
    k.site = f.image.vaddr(site.site_address());
    if (const Refusal r = validate_site(table.sites, index); r != Refusal::None) {
      k.problems.push_back(fmt::format("invalid record: {}", refusal_name(r)));
    } else if (site.nalts != 1) {
      k.problems.push_back(fmt::format(
          "{} alternatives; a key site has exactly one, its enabled state", site.nalts));
    } else if (const AltRecord& alt = alternatives(site)[0];
               alt.kind != AltKind::Bytes || alt.len != site.len) {
      k.problems.push_back(fmt::format(
          "the enabled state is {} of {} bytes; a key site's is plain bytes as long as the site "
          "({})",
          alt_kind_name(alt.kind), alt.len, site.len));
    } else {
      check_state("disabled", original_bytes(site), k.site, k);
      check_state("enabled", carried_bytes(alt), k.site, k);
    }
    out.push_back(std::move(k));
  }
  // Two keys over the same bytes: attach() lets neither switch them.
  std::vector<KeySite*> by_site;
  for (KeySite& k : out) {
    if (k.record) by_site.push_back(&k);
  }
  std::sort(by_site.begin(), by_site.end(),
            [](const KeySite* a, const KeySite* b) { return a->site < b->site; });
  for (std::size_t i = 1; i < by_site.size(); ++i) {
    const SiteRecord& prev = table.sites.sites_begin[*by_site[i - 1]->record];
    if (by_site[i - 1]->site + prev.len <= by_site[i]->site) continue;
    for (KeySite* k : {by_site[i - 1], by_site[i]}) {
      k->problems.push_back("overlaps another key site; neither can be switched");
    }
  }
  return out;
}

std::string key_site_label(const InspectedFile& f, const KeySite& k) {
  const std::string where = f.symbols.describe(k.site);
  return where.empty() ? fmt::format("key site {} @{:#x}", k.ref, k.site)
                       : fmt::format("key site {} @{:#x} <{}>", k.ref, k.site, where);
}

}  // namespace altpv::inspect
