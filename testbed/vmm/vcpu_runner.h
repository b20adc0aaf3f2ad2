// SPDX-License-Identifier: MIT
// The run loop of one vCPU thread and its exit handlers: one handler per
// exit kind (exit_handlers.cpp) and one per hypercall (hypercalls.cpp).
#pragma once

#include <linux/kvm.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "abi/abi.h"
#include "insn_emulator.h"
#include "machine.h"
#include "vcpu.h"

namespace altpv::vmm {

class VcpuRunner {
 public:
  VcpuRunner(Machine& machine, Vcpu& vcpu) : machine_(machine), vcpu_(vcpu) {}

  // Thread body: the BSP runs at once, an AP after StartVcpu. Returns when
  // the run ends or this vCPU parks (an AP executing HLT).
  void run();

  // Exits by kind over the whole run (instructions only while counting).
  const testbed::Counters& totals() const { return totals_; }

 private:
  enum class Next { Resume, Stop };
  enum class ExitKind { Io, Msr, Emulated, Other };

  Next dispatch();
  Next handle_io();
  Next handle_serial(const decltype(kvm_run::io)& io);
  Next handle_msr(bool write);
  Next handle_debug();
  Next handle_internal_error();
  Next handle_emulation_failure();
  Next handle_hlt();
  Next handle_irq_window();
  Next crash(std::string reason);
  // Ends the run (EndKind::Limit); the loop leaves at its next check.
  void end_at_limit(std::string what);
  static std::string console_limit_message();

  // Events (event_handlers.cpp). Before each KVM_RUN: inject a pending
  // event if the guest can take it, else ask for an interrupt window (IF) or
  // hold it (the PV mask).
  void deliver_events();
  // HLT and Block: sleep until this vCPU's next event, or treat the halt as
  // final when nothing can ever wake it (`how` names it in the report).
  Next sleep_until_event(bool can_wake, const char* how);
  std::uint8_t* vcpu_info_field(std::uint32_t offset);

  Next handle_hypercall(std::uint32_t number);
  std::int64_t console_write(const kvm_regs& regs);
  std::int64_t test_begin(const kvm_regs& regs);
  std::int64_t test_end(const kvm_regs& regs, TestStatus status);
  std::int64_t msr_read(kvm_regs& regs);
  std::int64_t msr_write(const kvm_regs& regs);
  std::int64_t marker_begin(const kvm_regs& regs);
  std::int64_t marker_end(const kvm_regs& regs);
  std::int64_t start_vcpu(const kvm_regs& regs);
  std::int64_t emulate_insn(const kvm_regs& regs);
  std::int64_t register_vcpu_info(const kvm_regs& regs);
  std::int64_t event_check();
  Next block(kvm_regs& regs);
  // The privileged-op hypercalls (privileged_hypercalls.cpp).
  std::int64_t load_cr3(const kvm_regs& regs);
  std::int64_t flush_tlb();
  std::int64_t mmu_update(const kvm_regs& regs);
  std::int64_t wbinvd();

  // Up to 15 instruction bytes at guest-virtual `rip`, clipped to RAM.
  std::vector<std::uint8_t> bytes_at(std::uint64_t rip) const;
  MsrInsnContext insn_context(unsigned cpl);
  void count_exit(ExitKind kind);

  Machine& machine_;
  Vcpu& vcpu_;
  bool counting_ = false;
  std::optional<std::uint64_t> marker_step_rip_;  // see MarkerBegin
  testbed::Counters window_{};                    // since MarkerBegin
  testbed::Counters totals_{};
  std::optional<std::uint64_t> vcpu_info_gpa_;  // RegisterVcpuInfo, checked
};

}  // namespace altpv::vmm
