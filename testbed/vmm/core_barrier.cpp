// SPDX-License-Identifier: MIT
#include "core_barrier.h"

#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace altpv::vmm {
namespace {

long membarrier(int cmd) {
  return syscall(SYS_membarrier, cmd, 0, 0);
}

}  // namespace

CoreBarrier::CoreBarrier(SyncMode requested) : mode_(requested) {
  if (requested == SyncMode::Kick) return;
  if (membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE) == 0) {
    mode_ = SyncMode::Membarrier;
    return;
  }
  if (requested == SyncMode::Auto) {
    mode_ = SyncMode::Kick;
    return;
  }
  throw std::runtime_error(
      std::string("--sync-cores membarrier: the kernel refused "
                  "MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE (Linux 4.16+): ") +
      std::strerror(errno));
}

bool CoreBarrier::serialise_running_threads() const {
  return mode_ == SyncMode::Membarrier &&
         membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE) == 0;
}

const char* sync_mode_name(SyncMode mode) {
  switch (mode) {
    case SyncMode::Auto:
      return "auto";
    case SyncMode::Membarrier:
      return "membarrier";
    case SyncMode::Kick:
      return "kick";
  }
  return "?";
}

}  // namespace altpv::vmm
