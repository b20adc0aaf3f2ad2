// SPDX-License-Identifier: MIT
// The allocated sections of an ELF file laid out in one buffer as they sit
// in memory, so that the self-relative offsets of the site records resolve
// exactly as at run time, and the engine can read the table in place.
// Buffer addresses and ELF virtual addresses convert both ways.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <span>

#include "altpv/engine/key_sites.h"
#include "altpv/engine/site_records.h"
#include "elf_file.h"

namespace altpv::inspect {

inline constexpr const char* kSitesSection = "altpv_sites";
inline constexpr const char* kAltsSection = "altpv_alts";
inline constexpr const char* kReplSection = "altpv_repl";
inline constexpr const char* kKeySitesSection = "altpv_key_sites";
inline constexpr const char* kKeyRefsSection = "altpv_key_refs";

class SiteImage {
 public:
  // Throws InspectError naming the problem when the sections are malformed.
  explicit SiteImage(const ElfFile& elf);
  SiteImage(const SiteImage&) = delete;
  SiteImage& operator=(const SiteImage&) = delete;

  // False when the file declares no sites (no or an empty altpv_sites).
  bool has_sites() const { return table_.size() != 0; }
  // The table, with text_begin/text_end spanning the executable sections.
  const SiteTable& table() const { return table_; }
  // The key sites (altpv/key.h), with the same alternatives, bytes and text;
  // empty when the file has none.
  const KeyTable& key_table() const { return key_table_; }
  bool has_key_sites() const { return key_table_.size() != 0; }

  std::uint64_t vaddr(std::uintptr_t buffer_address) const {
    return buffer_address - reinterpret_cast<std::uintptr_t>(buffer_.get()) + base_;
  }
  // The `len` bytes at `address`, or nullopt when they are not all laid out.
  std::optional<std::span<const std::uint8_t>> bytes_at(std::uint64_t address,
                                                        std::size_t len) const;

 private:
  struct Free {
    void operator()(std::uint8_t* p) const { std::free(p); }
  };
  std::uint64_t base_ = 0;  // the vaddr of buffer_[0]
  // Zeroed by calloc, whose large blocks are fresh pages: the gaps between
  // sections (up to kMaxSpan) cost address space, not memory.
  std::unique_ptr<std::uint8_t[], Free> buffer_;
  std::size_t size_ = 0;
  SiteTable table_;
  KeyTable key_table_;
};

}  // namespace altpv::inspect
