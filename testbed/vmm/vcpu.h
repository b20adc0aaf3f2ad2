// SPDX-License-Identifier: MIT
// One KVM vCPU: its fd, its kvm_run page and typed accessors for its state.
// Only its own thread touches it while the VM runs, except for
// request_immediate_exit() and run_sequence(), which any thread may call.
#pragma once

#include <linux/kvm.h>

#include <atomic>
#include <cstdint>
#include <optional>
#include <vector>

#include "abi/abi.h"
#include "fd.h"
#include "mapping.h"
#include "vcpu_control.h"

namespace altpv::vmm {

inline constexpr std::uint8_t kVectorBp = 3;
inline constexpr std::uint8_t kVectorUd = 6;
inline constexpr std::uint8_t kVectorGp = 13;

class Vcpu final : public VcpuControl {
 public:
  Vcpu(Fd fd, std::size_t run_size, std::uint32_t index);

  std::uint32_t index() const override { return index_; }
  kvm_run& run_page() const override { return *static_cast<kvm_run*>(run_map_.get()); }

  // KVM_RUN; false when interrupted (EINTR) or told to stop (immediate_exit).
  // The request stays until clear_immediate_exit().
  bool run() override;
  // From another thread: make the current or next KVM_RUN return at once.
  void request_immediate_exit();
  // Counts KVM_RUN calls begun and ended: odd while this vCPU's thread is
  // inside KVM_RUN. Any change after an odd reading means the vCPU left the
  // guest since (SyncCores).
  std::uint64_t run_sequence() const { return run_sequence_.load(); }
  // The vCPU's thread, before it checks for work: requests made after this
  // still stop the next KVM_RUN.
  void clear_immediate_exit() override;

  kvm_regs regs() const override;
  void set_regs(const kvm_regs& regs) override;
  kvm_sregs sregs() const override;
  void set_sregs(const kvm_sregs& sregs) override;
  void set_cpuid(const std::vector<kvm_cpuid_entry2>& entries);
  void inject_exception(std::uint8_t vector, std::optional<std::uint32_t> error_code) override;
  void set_single_step(bool on) override;
  // KVM_INTERRUPT (no in-kernel irqchip): delivered at the next entry; only
  // when run_page() says ready_for_interrupt_injection and if_flag.
  void inject_interrupt(std::uint8_t vector) override;
  // Makes KVM drop every translation it holds for this vCPU (see vcpu.cpp).
  void flush_tlb() override;
  // Guest-virtual to guest-physical through the vCPU's current page tables.
  std::optional<std::uint64_t> translate(std::uint64_t gva) const override;

  // The guest's TSC rate (KVM_GET_TSC_KHZ), 0 when KVM does not say: it
  // turns the guest's TSC readings into time.
  std::uint32_t tsc_khz() const;

  std::uint64_t get(std::uint32_t msr) override;
  void set(std::uint32_t msr, std::uint64_t value) override;

 private:
  std::uint64_t msr_ioctl(unsigned long request, std::uint32_t msr, std::uint64_t value);

  Fd fd_;
  Mapping run_map_;
  std::uint32_t index_;
  std::atomic<std::uint64_t> run_sequence_{0};
};

testbed::GprFrame to_frame(const kvm_regs& regs);
void from_frame(const testbed::GprFrame& frame, kvm_regs& regs);

}  // namespace altpv::vmm
