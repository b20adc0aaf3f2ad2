// SPDX-License-Identifier: MIT
#include "vcpu_events.h"

namespace altpv::vmm {

void VcpuEvents::raise() {
  {
    std::lock_guard lock(mutex_);
    pending_ = true;
  }
  raised_.notify_all();
}

bool VcpuEvents::pending() const {
  std::lock_guard lock(mutex_);
  return pending_;
}

void VcpuEvents::clear() {
  std::lock_guard lock(mutex_);
  pending_ = false;
}

bool VcpuEvents::wait() {
  std::unique_lock lock(mutex_);
  raised_.wait(lock, [&] { return pending_ || shut_down_; });
  return !shut_down_;
}

void VcpuEvents::shut_down() {
  {
    std::lock_guard lock(mutex_);
    shut_down_ = true;
  }
  raised_.notify_all();
}

}  // namespace altpv::vmm
