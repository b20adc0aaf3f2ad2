// SPDX-License-Identifier: MIT
// The VM's periodic timer (--tick-us): one thread that calls on_tick() every
// period until stopped. What a tick does (raise an event on every vCPU and
// kick it) is the Machine's.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace altpv::vmm {

class TickTimer {
 public:
  TickTimer() = default;
  ~TickTimer();
  TickTimer(const TickTimer&) = delete;
  TickTimer& operator=(const TickTimer&) = delete;

  // Starts the thread; the first tick comes one period from now. Called once.
  void start(std::chrono::microseconds period, std::function<void()> on_tick);
  // Stops and joins the thread; no tick runs after it returns. Idempotent.
  void stop();

 private:
  std::mutex mutex_;
  std::condition_variable stopped_cv_;
  bool stopped_ = false;
  std::thread thread_;
};

}  // namespace altpv::vmm
