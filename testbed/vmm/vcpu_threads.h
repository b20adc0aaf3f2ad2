// SPDX-License-Identifier: MIT
// One thread per vCPU, and the kick that makes a vCPU thread's KVM_RUN return
// (a thread-directed signal). A thread is kicked only while it is inside its
// body: each thread registers itself on entry and removes itself before it
// returns, under the same lock as the kick, so a kick never targets a thread
// that has finished or been joined.
#pragma once

#include <pthread.h>

#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace altpv::vmm {

class VcpuThreads {
 public:
  VcpuThreads();  // installs the kick handler
  ~VcpuThreads();
  VcpuThreads(const VcpuThreads&) = delete;
  VcpuThreads& operator=(const VcpuThreads&) = delete;

  // Starts `count` threads running body(index). Called once.
  void start(std::uint32_t count, const std::function<void(std::uint32_t)>& body);
  // From any thread: interrupts every thread still inside its body.
  void kick_all();
  // From any thread: interrupts thread `index` if it is inside its body.
  void kick(std::uint32_t index);
  // Waits for every thread to return.
  void join_all();

 private:
  void enter(std::uint32_t index);
  void leave();

  struct LiveThread {
    std::uint32_t index;
    pthread_t thread;
  };

  std::vector<std::thread> threads_;  // only the thread that calls start/join_all touches it
  std::mutex live_mutex_;
  std::vector<LiveThread> live_;  // threads inside their body
};

}  // namespace altpv::vmm
