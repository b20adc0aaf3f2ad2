// SPDX-License-Identifier: MIT
// A site table generated at run time, for the patch-throughput benchmark:
// `count` copies of the shape of altpv::cpu_number() (alternatives RDPID
// and RDTSCP, original `mov $0x7b,%ecx; lsl %ecx,%ecx`), laid out as the
// assembler lays out an image: text, site records, alternative records and
// replacement bytes, with self-relative offsets between them.
//
// tests/engine/site_table_builder.h serves a different purpose: a few dozen
// hand-shaped (often hostile) sites in fixed arrays. This builds 10^5
// well-formed ones.
#pragma once

#include <cstddef>

#include "altpv/engine/site_records.h"

namespace altpv::bench {

class GeneratedSites {
 public:
  // With `executable_text` the text is mapped read+execute afterwards, as
  // real code is, so only a writer that does not store through the mapping
  // (hosted::ProcessTextWriter) can patch it.
  GeneratedSites(std::size_t count, bool executable_text);
  ~GeneratedSites();
  GeneratedSites(const GeneratedSites&) = delete;
  GeneratedSites& operator=(const GeneratedSites&) = delete;

  const SiteTable& table() const { return table_; }

 private:
  void* map_ = nullptr;
  std::size_t map_size_ = 0;
  SiteTable table_;
};

}  // namespace altpv::bench
