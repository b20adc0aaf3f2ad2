// SPDX-License-Identifier: MIT
// The whole testbed machine: VM, CPU model, MSR bank, console and verdict,
// one thread per vCPU, the AP start gate, and the end of the run (guest
// exit, crash, limit, timeout) with its report, output files and exit code.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "console.h"
#include "elf_image.h"
#include "guest_cpuid.h"
#include "msr_bank.h"
#include "options.h"
#include "output_files.h"
#include "run_state.h"
#include "tick_timer.h"
#include "vcpu.h"
#include "vcpu_events.h"
#include "vcpu_threads.h"
#include "vm.h"

namespace altpv::vmm {

class VcpuRunner;

// Where an application processor starts (StartVcpu hypercall).
struct ApStart {
  std::uint64_t rip, rsp, arg;
};

class Machine {
 public:
  Machine(const Options& options, OutputFiles outputs, std::span<const std::uint8_t> elf_file,
          ElfImage image);
  ~Machine();

  // Boots, runs until the guest ends, reports; returns the process exit code.
  int run();

  const Options& options() const { return options_; }
  GuestMemory& memory() { return vm_.memory(); }
  const GuestCpuid& model() const { return model_; }
  MsrBank& bank() { return bank_; }
  Console& console() { return console_; }
  RunState& state() { return state_; }
  std::uint32_t vcpu_count() const { return static_cast<std::uint32_t>(vcpus_.size()); }
  VcpuEvents& events(std::uint32_t index) { return *events_[index]; }

  // StartVcpu: releases AP `index`; false if it is the BSP, unknown, or started.
  bool start_ap(std::uint32_t index, ApStart start);
  // Blocks an AP thread until start_ap or the end of the run.
  std::optional<ApStart> wait_for_start(std::uint32_t index);
  // Ends the run (first caller wins) and kicks every vCPU out of KVM_RUN.
  // Any thread may call it, a vCPU thread included.
  void end_run(RunEnd end);

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

  std::mutex start_mutex_;
  std::condition_variable start_cv_;
  std::vector<std::optional<ApStart>> ap_start_;
  std::vector<bool> ap_started_;

  // Last, so that its threads are joined before anything they use is destroyed.
  VcpuThreads threads_;
  TickTimer timer_;  // after threads_: it kicks them, so it stops first
};

}  // namespace altpv::vmm
