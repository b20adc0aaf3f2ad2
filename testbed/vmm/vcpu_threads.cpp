// SPDX-License-Identifier: MIT
#include "vcpu_threads.h"

#include <signal.h>

#include <algorithm>

namespace altpv::vmm {
namespace {

// A thread-directed signal whose only job is to make KVM_RUN return EINTR.
constexpr int kKickSignal = SIGUSR1;

}  // namespace

VcpuThreads::VcpuThreads() {
  struct sigaction sa {};
  sa.sa_handler = [](int) {};
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: the ioctl must return
  sigaction(kKickSignal, &sa, nullptr);
}

VcpuThreads::~VcpuThreads() {
  join_all();
}

void VcpuThreads::start(std::uint32_t count, const std::function<void(std::uint32_t)>& body) {
  for (std::uint32_t i = 0; i < count; ++i) {
    threads_.emplace_back([this, body, i] {
      enter(i);
      body(i);
      leave();
    });
  }
}

void VcpuThreads::enter(std::uint32_t index) {
  std::lock_guard lock(live_mutex_);
  live_.push_back({index, pthread_self()});
}

void VcpuThreads::leave() {
  std::lock_guard lock(live_mutex_);
  std::erase_if(live_,
                [](const LiveThread& t) { return pthread_equal(t.thread, pthread_self()) != 0; });
}

void VcpuThreads::kick_all() {
  std::lock_guard lock(live_mutex_);
  for (const LiveThread& t : live_) pthread_kill(t.thread, kKickSignal);
}

void VcpuThreads::kick(std::uint32_t index) {
  std::lock_guard lock(live_mutex_);
  for (const LiveThread& t : live_) {
    if (t.index == index) pthread_kill(t.thread, kKickSignal);
  }
}

void VcpuThreads::join_all() {
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
}

}  // namespace altpv::vmm
