// SPDX-License-Identifier: MIT
// The event line of one vCPU: whether a timer event waits for delivery, and
// the place a halted vCPU sleeps until one does. The timer thread raises it;
// only the vCPU's own thread clears it, when it injects the event.
#pragma once

#include <condition_variable>
#include <mutex>

namespace altpv::vmm {

class VcpuEvents {
 public:
  // Any thread: an event is pending; wakes the vCPU if it sleeps.
  void raise();
  bool pending() const;
  // The vCPU's thread, when it has injected the event.
  void clear();
  // The vCPU's thread: returns true at once if an event is pending, else
  // sleeps until raise() (true) or shut_down() (false). The flag and the
  // sleep share one lock, so a raise() between the guest's decision to halt
  // and this call is never lost.
  bool wait();
  // The end of the run: wait() returns false from now on.
  void shut_down();

 private:
  mutable std::mutex mutex_;
  std::condition_variable raised_;
  bool pending_ = false;
  bool shut_down_ = false;
};

}  // namespace altpv::vmm
