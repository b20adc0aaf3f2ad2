// SPDX-License-Identifier: MIT
// What a VcpuRunner needs from the machine around it: the shared state every
// vCPU serves, the AP start gate and the end of the run. Machine implements
// it; the hypercall fuzz target provides one without a VM.
#pragma once

#include <cstdint>
#include <optional>

#include "console.h"
#include "guest_cpuid.h"
#include "guest_memory.h"
#include "msr_bank.h"
#include "options.h"
#include "run_state.h"
#include "vcpu_events.h"

namespace altpv::vmm {

// Where an application processor starts (StartVcpu hypercall).
struct ApStart {
  std::uint64_t rip, rsp, arg;
};

class VcpuHost {
 public:
  virtual const Options& options() const = 0;
  virtual GuestMemory& memory() = 0;
  virtual const GuestCpuid& model() const = 0;
  virtual MsrBank& bank() = 0;
  virtual Console& console() = 0;
  virtual RunState& state() = 0;
  virtual std::uint32_t vcpu_count() const = 0;
  // The timer events raised for vCPU `index`.
  virtual VcpuEvents& events(std::uint32_t index) = 0;

  // StartVcpu: releases AP `index`; false if it is the BSP, unknown, or started.
  virtual bool start_ap(std::uint32_t index, ApStart start) = 0;
  // Blocks an AP thread until start_ap or the end of the run.
  virtual std::optional<ApStart> wait_for_start(std::uint32_t index) = 0;
  // SyncCores: returns once every vCPU but `caller` that was running guest
  // code at the call has left it, which serialises it; nothing when the run
  // ended meanwhile. Otherwise how many vCPUs it had to kick.
  virtual std::optional<std::uint32_t> sync_cores(std::uint32_t caller) = 0;
  // Ends the run (first caller wins) and kicks every vCPU out of its run.
  // Any thread may call it, a vCPU thread included.
  virtual void end_run(RunEnd end) = 0;

 protected:
  ~VcpuHost() = default;
};

}  // namespace altpv::vmm
