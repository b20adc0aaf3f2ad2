// SPDX-License-Identifier: MIT
// The KVM VM: /dev/kvm, the VM fd, guest RAM registered as slot 0, and the
// VM-wide capabilities the testbed relies on (user-space MSR exits through
// the MSR filter, instruction bytes on emulation failure).
#pragma once

#include <linux/kvm.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <vector>

#include "fd.h"
#include "guest_memory.h"
#include "vcpu.h"

namespace altpv::vmm {

// /dev/kvm cannot be opened: the tests skip rather than fail.
class KvmUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Vm {
 public:
  explicit Vm(std::uint64_t mem_bytes);

  GuestMemory& memory() { return memory_; }
  std::vector<kvm_cpuid_entry2> supported_cpuid() const;
  std::unique_ptr<Vcpu> create_vcpu(std::uint32_t index);

 private:
  void enable_cap(std::uint32_t cap, std::uint64_t arg, const char* what);
  void route_bank_msrs_to_user_space();

  Fd kvm_;
  Fd vm_;
  std::size_t run_size_ = 0;
  GuestMemory memory_;
};

}  // namespace altpv::vmm
