// SPDX-License-Identifier: MIT
// What a VcpuRunner needs from its vCPU. Vcpu implements it with KVM; the
// hypercall fuzz target with plain memory, so that the exit and hypercall
// handlers run without /dev/kvm.
#pragma once

#include <linux/kvm.h>

#include <cstdint>
#include <optional>

#include "msr_bank.h"

namespace altpv::vmm {

class VcpuControl : public ArchMsrs {
 public:
  virtual std::uint32_t index() const = 0;
  // The exit KVM_RUN reported; valid after run() returned true.
  virtual kvm_run& run_page() const = 0;
  // Runs the guest until the next exit; false when interrupted or told to stop.
  virtual bool run() = 0;
  // Withdraws a request to stop; requests made after it stop the next run().
  virtual void clear_immediate_exit() = 0;

  virtual kvm_regs regs() const = 0;
  virtual void set_regs(const kvm_regs& regs) = 0;
  virtual kvm_sregs sregs() const = 0;
  virtual void set_sregs(const kvm_sregs& sregs) = 0;
  virtual void inject_exception(std::uint8_t vector, std::optional<std::uint32_t> error_code) = 0;
  // An external interrupt at the next entry (only when the run page says the
  // vCPU is ready for one).
  virtual void inject_interrupt(std::uint8_t vector) = 0;
  // Drops every translation held for the guest's page tables.
  virtual void flush_tlb() = 0;
  virtual void set_single_step(bool on) = 0;
  // Guest-virtual to guest-physical through the vCPU's current page tables.
  virtual std::optional<std::uint64_t> translate(std::uint64_t gva) const = 0;

 protected:
  ~VcpuControl() = default;
};

}  // namespace altpv::vmm
