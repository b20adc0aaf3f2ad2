// SPDX-License-Identifier: MIT
// Lays out a fake text range, site records, alternative records and
// replacement bytes in ONE buffer with correct self-relative offsets, so the
// planner and patcher can be tested on tables no assembler produced,
// including hostile ones.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "altpv/engine/site_records.h"

namespace altpv::testing {

class SiteTableBuilder {
 public:
  struct Alt {
    std::uint16_t cond = ALTPV_COND_ALWAYS;
    AltKind kind = AltKind::Bytes;
    std::vector<std::uint8_t> bytes;  // the replacement, or a call's setup bytes
    std::uint8_t len = 0;             // bytes the alternative occupies in the site
  };
  static Alt bytes(std::uint16_t cond, std::vector<std::uint8_t> b);
  static Alt call(std::uint16_t cond, AltKind kind = AltKind::Call,
                  std::vector<std::uint8_t> setup = {});

  struct Site {
    std::vector<std::uint8_t> original;  // already padded: its size is the site length
    std::vector<Alt> alts;
    std::uint16_t op = 0;
    std::optional<std::uint32_t> constant;
  };

  // A record pointing wherever the test says, for hostile tables.
  struct RawSite {
    std::uintptr_t site = 0;
    std::uintptr_t orig = 0;
    std::uintptr_t alts = 0;
    std::uint8_t len = 0;
    std::uint8_t nalts = 0;
  };

  SiteTableBuilder();
  SiteTableBuilder(const SiteTableBuilder&) = delete;
  SiteTableBuilder& operator=(const SiteTableBuilder&) = delete;

  // Each returns the new record's index in the table.
  std::size_t add(const Site& site);
  std::size_t add_raw(const RawSite& raw);
  // A second record describing exactly the site of record `index`.
  std::size_t add_duplicate(std::size_t index);
  // A record for `len` bytes of site `index` from `offset` on (0: to its
  // end), with no alternatives.
  std::size_t add_overlapping(std::size_t index, std::size_t offset, std::size_t len = 0);

  SiteRecord& record(std::size_t index);
  AltRecord& alt(std::size_t index, std::size_t alt);
  std::uint8_t* text(std::size_t index);
  std::uintptr_t address(std::size_t index) {
    return reinterpret_cast<std::uintptr_t>(text(index));
  }

  // Where the regions lie, for edits that point records outside them.
  std::uintptr_t text_begin() const;
  std::uintptr_t text_end() const;
  std::uintptr_t alts_begin() const;
  std::uintptr_t alts_end() const;
  std::uintptr_t repl_begin() const;
  std::uintptr_t repl_end() const;

  SiteTable table() const;

  // Points the self-relative offset `field` at `target`.
  static void point(std::int32_t& field, std::uintptr_t target);

 private:
  static constexpr std::size_t kTextSize = 1024;
  static constexpr std::size_t kMaxSites = 32;
  static constexpr std::size_t kMaxAlts = 128;
  static constexpr std::size_t kReplSize = 2048;

  struct Layout {
    std::array<std::uint8_t, kTextSize> text;
    std::array<SiteRecord, kMaxSites> sites;
    std::array<AltRecord, kMaxAlts> alts;
    std::array<std::uint8_t, kReplSize> repl;
  };

  std::uint8_t* take_text(std::size_t n);
  std::uint8_t* take_repl(std::size_t n);

  Layout buf_{};
  std::size_t text_used_ = 0;
  std::size_t sites_used_ = 0;
  std::size_t alts_used_ = 0;
  std::size_t repl_used_ = 0;
};

}  // namespace altpv::testing
