// SPDX-License-Identifier: MIT
#include "tick_timer.h"

namespace altpv::vmm {

TickTimer::~TickTimer() {
  stop();
}

void TickTimer::start(std::chrono::microseconds period, std::function<void()> on_tick) {
  thread_ = std::thread([this, period, on_tick = std::move(on_tick)] {
    // Deadlines advance by the period from the start, so a late tick does
    // not shift the ones after it.
    auto next = std::chrono::steady_clock::now() + period;
    std::unique_lock lock(mutex_);
    while (!stopped_cv_.wait_until(lock, next, [&] { return stopped_; })) {
      lock.unlock();
      on_tick();
      lock.lock();
      next += period;
    }
  });
}

void TickTimer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
  }
  stopped_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace altpv::vmm
