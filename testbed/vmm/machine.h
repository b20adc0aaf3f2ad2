// SPDX-License-Identifier: MIT
// The whole testbed machine: VM, CPU model, MSR bank, console and verdict,
// one thread per vCPU, the AP start gate, and the end of the run (guest
// exit, crash, limit, timeout) with its report, output files and exit code.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "console.h"
#include "core_barrier.h"
#include "elf_image.h"
#include "guest_cpuid.h"
#include "msr_bank.h"
#include "options.h"
#include "output_files.h"
#include "run_state.h"
#include "tick_timer.h"
#include "vcpu.h"
#include "vcpu_events.h"
#include "vcpu_host.h"
#include "vcpu_threads.h"
#include "vm.h"

namespace altpv::vmm {

class VcpuRunner;

class Machine final : public VcpuHost {
 public:
  Machine(const Options& options, OutputFiles outputs, std::span<const std::uint8_t> elf_file,
          ElfImage image);
  ~Machine();

  // Boots, runs until the guest ends, reports; returns the process exit code.
  int run();

  const Options& options() const override { return options_; }
  GuestMemory& memory() override { return vm_.memory(); }
  const GuestCpuid& model() const override { return model_; }
  MsrBank& bank() override { return bank_; }
  Console& console() override { return console_; }
  RunState& state() override { return state_; }
  std::uint32_t vcpu_count() const override { return static_cast<std::uint32_t>(vcpus_.size()); }
  VcpuEvents& events(std::uint32_t index) override { return *events_[index]; }

  bool start_ap(std::uint32_t index, ApStart start) override;
  std::optional<ApStart> wait_for_start(std::uint32_t index) override;
  // Also kicks every vCPU out of KVM_RUN.
  void end_run(RunEnd end) override;
  // SyncCores: returns once every vCPU but `caller` that was inside KVM_RUN
  // at the call is serialised: by a core-serialising membarrier, or by
  // kicking it out of KVM_RUN and waiting until it has left (a VM exit
  // serialises it; so does its next entry). A vCPU outside KVM_RUN
  // (handling an exit, waiting to start, parked, finished) is synchronised
  // already. Returns how many vCPUs were inside KVM_RUN, or nothing when
  // the run ended meanwhile.
  std::optional<std::uint32_t> sync_cores(std::uint32_t caller) override;

 private:
  void boot_bsp();
  // The timer thread's tick: an event on every vCPU, and a kick out of KVM_RUN.
  void tick();
  int finish();
  int write_outputs(int code, const RunEnd& end);

  Options options_;
  std::span<const std::uint8_t> elf_file_;
  ElfImage image_;
  Vm vm_;
  GuestCpuid model_;
  MsrBank bank_;
  std::ofstream json_out_;
  std::ofstream dump_text_out_;
  Console console_;
  RunState state_;
  std::vector<std::unique_ptr<Vcpu>> vcpus_;
  std::vector<std::unique_ptr<VcpuRunner>> runners_;
  std::vector<std::unique_ptr<VcpuEvents>> events_;
  CoreBarrier barrier_;
  std::atomic<std::uint64_t> sync_calls_{0};
  std::atomic<std::uint64_t> sync_vcpus_in_guest_{0};

  std::mutex start_mutex_;
  std::condition_variable start_cv_;
  std::vector<std::optional<ApStart>> ap_start_;
  std::vector<bool> ap_started_;

  // Last, so that its threads are joined before anything they use is destroyed.
  VcpuThreads threads_;
  TickTimer timer_;  // after threads_: it kicks them, so it stops first
};

}  // namespace altpv::vmm
