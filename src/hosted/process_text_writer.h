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
  // Serialises this CPU, and every CPU running another thread of this
  // process with a core-serialising membarrier, where the kernel offers it.
  void sync() override;

  // Whether sync() reaches the other threads' CPUs: the kernel accepted the
  // MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE registration.
  bool syncs_every_cpu() const { return sync_core_; }

  // Why the last write failed (empty when none did).
  const std::string& last_error() const { return last_error_; }

 private:
  int fd_ = -1;
  bool sync_core_ = false;
  std::string last_error_;
};

}  // namespace altpv::hosted
