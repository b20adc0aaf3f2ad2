// SPDX-License-Identifier: MIT
// Writes code in a running process without ever mapping it writable and
// executable: stores go through /proc/self/mem, which the kernel performs
// on the page itself (copy-on-write for file-backed text) while user space
// keeps its read+execute mapping.
#pragma once

#include <string>

#include "altpv/engine/text_writer.h"

namespace altpv::hosted {

class ProcessTextWriter final : public TextWriter {
 public:
  ProcessTextWriter();
  ~ProcessTextWriter();
  ProcessTextWriter(const ProcessTextWriter&) = delete;
  ProcessTextWriter& operator=(const ProcessTextWriter&) = delete;

  bool write(std::uintptr_t address, const std::uint8_t* bytes, std::size_t len) override;
  // Serialises this CPU; other threads, if any, get a core-serialising
  // membarrier (they must not be running the sites while they change).
  void sync() override;

  // Why the last write failed (empty when none did).
  const std::string& last_error() const { return last_error_; }

 private:
  int fd_ = -1;
  std::string last_error_;
};

}  // namespace altpv::hosted
