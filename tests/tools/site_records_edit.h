// SPDX-License-Identifier: MIT
// Reading and rewriting site records in an ElfEdit: the self-relative
// fields of record `index` of altpv_sites, as absolute vaddrs.
#pragma once

#include <cstddef>
#include <cstdint>

#include "altpv/engine/site_records.h"
#include "elf_edit.h"

namespace altpv::inspect::test {

// Field offsets inside a SiteRecord.
inline constexpr std::size_t kSiteField = offsetof(SiteRecord, site);
inline constexpr std::size_t kOrigField = offsetof(SiteRecord, orig);
inline constexpr std::size_t kAltsField = offsetof(SiteRecord, alts);

// The vaddr a self-relative field of site record `index` points at.
inline std::uint64_t record_target(const ElfEdit& e, std::size_t index, std::size_t field) {
  const Elf64_Shdr sites = e.section("altpv_sites");
  const std::uint64_t at = index * sizeof(SiteRecord) + field;
  return sites.sh_addr + at + e.get<std::int32_t>(sites.sh_offset + at);
}

// Points that field at `target`.
inline void point_record(ElfEdit& e, std::size_t index, std::size_t field, std::uint64_t target) {
  const Elf64_Shdr sites = e.section("altpv_sites");
  const std::uint64_t at = index * sizeof(SiteRecord) + field;
  e.put(sites.sh_offset + at, static_cast<std::int32_t>(target - (sites.sh_addr + at)));
}

}  // namespace altpv::inspect::test
