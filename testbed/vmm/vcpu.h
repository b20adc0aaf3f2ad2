// SPDX-License-Identifier: MIT
// One KVM vCPU: its fd, its kvm_run page and typed accessors for its state.
// Only its own thread touches it while the VM runs.
#pragma once

#include <linux/kvm.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "abi/abi.h"
#include "fd.h"
#include "mapping.h"
#include "msr_bank.h"

namespace altpv::vmm {

inline constexpr std::uint8_t kVectorBp = 3;
inline constexpr std::uint8_t kVectorUd = 6;
inline constexpr std::uint8_t kVectorGp = 13;

class Vcpu final : public ArchMsrs {
 public:
  Vcpu(Fd fd, std::size_t run_size, std::uint32_t index);

  std::uint32_t index() const { return index_; }
  kvm_run& run() const { return *static_cast<kvm_run*>(run_map_.get()); }

  // KVM_RUN; false when interrupted (EINTR) or told to stop (immediate_exit).
  bool Run();
  // From another thread: make the current or next KVM_RUN return at once.
  void RequestImmediateExit();

  kvm_regs Regs() const;
  void SetRegs(const kvm_regs& regs);
  kvm_sregs Sregs() const;
  void SetSregs(const kvm_sregs& sregs);
  void SetCpuid(const std::vector<kvm_cpuid_entry2>& entries);
  void InjectException(std::uint8_t vector, std::optional<std::uint32_t> error_code);
  void SetSingleStep(bool on);
  // Guest-virtual to guest-physical through the vCPU's current page tables.
  std::optional<std::uint64_t> Translate(std::uint64_t gva) const;

  std::uint64_t Get(std::uint32_t msr) override;
  void Set(std::uint32_t msr, std::uint64_t value) override;

 private:
  std::uint64_t MsrIoctl(unsigned long request, std::uint32_t msr, std::uint64_t value);

  Fd fd_;
  Mapping run_map_;
  std::uint32_t index_;
};

testbed::GprFrame ToFrame(const kvm_regs& regs);
void FromFrame(const testbed::GprFrame& frame, kvm_regs& regs);

}  // namespace altpv::vmm
