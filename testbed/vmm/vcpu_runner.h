// SPDX-License-Identifier: MIT
// The run loop of one vCPU thread and its exit handlers: one handler per
// exit kind (exit_handlers.cc) and one per hypercall (hypercalls.cc).
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
  void Run();

  // Exits by kind over the whole run (instructions only while counting).
  const testbed::Counters& totals() const { return totals_; }

 private:
  enum class Next { Resume, Stop };
  enum class ExitKind { Io, Msr, Emulated, Other };

  Next Dispatch();
  Next HandleIo();
  Next HandleSerial(const decltype(kvm_run::io)& io);
  Next HandleMsr(bool write);
  Next HandleDebug();
  Next HandleInternalError();
  Next HandleEmulationFailure();
  Next HandleHlt();
  Next Crash(std::string reason);

  Next Hypercall(std::uint32_t number);
  std::int64_t ConsoleWrite(const kvm_regs& regs);
  std::int64_t TestBegin(const kvm_regs& regs);
  std::int64_t TestEnd(const kvm_regs& regs, TestStatus status);
  std::int64_t MsrRead(kvm_regs& regs);
  std::int64_t MsrWrite(const kvm_regs& regs);
  std::int64_t MarkerBegin(const kvm_regs& regs);
  std::int64_t MarkerEnd(const kvm_regs& regs);
  std::int64_t StartVcpu(const kvm_regs& regs);
  std::int64_t EmulateInsn(const kvm_regs& regs);

  // Up to 15 instruction bytes at guest-virtual `rip`, clipped to RAM.
  std::vector<std::uint8_t> BytesAt(std::uint64_t rip) const;
  MsrInsnContext InsnContext(unsigned cpl);
  void CountExit(ExitKind kind);

  Machine& machine_;
  Vcpu& vcpu_;
  bool counting_ = false;
  std::optional<std::uint64_t> marker_step_rip_;  // see MarkerBegin
  testbed::Counters window_{};                    // since MarkerBegin
  testbed::Counters totals_{};
};

}  // namespace altpv::vmm
