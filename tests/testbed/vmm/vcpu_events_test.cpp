// SPDX-License-Identifier: MIT
// The event line a halted vCPU sleeps on: an event raised before the sleep
// is never lost (the PV Block and `sti; hlt` rely on it), a sleeper wakes on
// the next event, and the end of the run wakes everyone.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "vcpu_events.h"

namespace altpv::vmm {
namespace {

// A lost wake-up would sleep forever; this ends such a sleep with wait()
// returning false, so the test fails instead of hanging.
class Watchdog {
 public:
  explicit Watchdog(VcpuEvents& events)
      : thread_([&events, done = done_.get_future()] {
          if (done.wait_for(std::chrono::seconds(10)) == std::future_status::timeout) {
            events.shut_down();
          }
        }) {}
  ~Watchdog() {
    done_.set_value();
    thread_.join();
  }

 private:
  std::promise<void> done_;
  std::thread thread_;
};

TEST(VcpuEvents, AnEventRaisedBeforeTheSleepEndsItAtOnce) {
  VcpuEvents events;
  events.raise();
  Watchdog watchdog(events);
  EXPECT_TRUE(events.wait());
  EXPECT_TRUE(events.pending());  // waking does not deliver: the vCPU clears it
}

TEST(VcpuEvents, ASleeperWakesOnTheNextEvent) {
  VcpuEvents events;
  Watchdog watchdog(events);
  std::future<bool> woke = std::async(std::launch::async, [&] { return events.wait(); });
  events.raise();
  EXPECT_TRUE(woke.get());
  events.clear();
  EXPECT_FALSE(events.pending());
}

TEST(VcpuEvents, TheEndOfTheRunWakesEverySleeper) {
  VcpuEvents events;
  std::future<bool> a = std::async(std::launch::async, [&] { return events.wait(); });
  std::future<bool> b = std::async(std::launch::async, [&] { return events.wait(); });
  events.shut_down();
  EXPECT_FALSE(a.get());
  EXPECT_FALSE(b.get());
  events.raise();
  EXPECT_FALSE(events.wait());  // and no later sleep begins
}

}  // namespace
}  // namespace altpv::vmm
