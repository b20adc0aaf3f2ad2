// SPDX-License-Identifier: MIT
// Live patching's platform part in a Linux process (hosted only):
//   - stores go through /proc/self/mem (ProcessTextWriter): code is never
//     mapped writable and executable, not even the out-of-line copies;
//   - sync is MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE, which serialises
//     every CPU running a thread of this process (registered first);
//   - an int3 reaches this image's KeySites through a SIGTRAP handler, which
//     passes every other SIGTRAP on to the handler the program had before.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "altpv/engine/key_sites.h"
#include "altpv/engine/live_patcher.h"
#include "altpv/hosted/live_stats.h"
#include "hosted/process_text_writer.h"

namespace altpv::hosted {

class ProcessLiveWriter final : public LiveTextWriter {
 public:
  // The SIGTRAP handler asks `sites` where a trapped thread continues (one
  // KeySites per image, so one writer per copy of altpv).
  explicit ProcessLiveWriter(const KeySites& sites) : sites_(sites) {}
  ProcessLiveWriter(const ProcessLiveWriter&) = delete;
  ProcessLiveWriter& operator=(const ProcessLiveWriter&) = delete;

  bool write(std::uintptr_t address, const std::uint8_t* bytes, std::size_t len) override;
  void sync() override;
  std::uintptr_t allocate_code(std::size_t size, std::uintptr_t near) override;
  // Installs the SIGTRAP handler on first use; refuses without SYNC_CORE.
  bool route_traps() override;
  const char* error() const override { return error_.c_str(); }

 private:
  // The text writer of this process: /proc/self/mem names the process that
  // opened it, so a child of fork() must open its own.
  ProcessTextWriter& text();

  const KeySites& sites_;
  std::optional<ProcessTextWriter> text_;
  pid_t text_pid_ = 0;
  std::uintptr_t arena_next_ = 0;  // free executable bytes for out-of-line copies
  std::uintptr_t arena_end_ = 0;
  bool routed_ = false;
  std::string error_;
};

}  // namespace altpv::hosted
