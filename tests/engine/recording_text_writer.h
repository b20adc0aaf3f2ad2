// SPDX-License-Identifier: MIT
// A TextWriter that performs writes into the fake text of a SiteTableBuilder
// and records them, so tests can tell exactly which sites were written.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "altpv/engine/text_writer.h"

namespace altpv::testing {

class RecordingTextWriter final : public TextWriter {
 public:
  struct Write {
    std::uintptr_t address;
    std::vector<std::uint8_t> bytes;
  };

  bool write(std::uintptr_t address, const std::uint8_t* bytes, std::size_t len) override {
    if (address == fail_at) return false;
    writes.push_back(Write{address, {bytes, bytes + len}});
    std::memcpy(reinterpret_cast<void*>(address), bytes, len);
    return true;
  }
  void sync() override { ++syncs; }

  // True if any write touched [address, address + len).
  bool touched(std::uintptr_t address, std::size_t len) const {
    for (const Write& w : writes) {
      if (w.address < address + len && address < w.address + w.bytes.size()) return true;
    }
    return false;
  }

  std::vector<Write> writes;
  int syncs = 0;
  std::uintptr_t fail_at = 0;  // a write to this address fails
};

}  // namespace altpv::testing
