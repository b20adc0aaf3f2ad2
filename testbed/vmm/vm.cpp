// SPDX-License-Identifier: MIT
#include "vm.h"

#include <fcntl.h>

#include <cstring>

#include <fmt/format.h>

#include "kvm_arrays.h"
#include "msr_bank.h"

namespace altpv::vmm {
namespace {

Fd open_kvm() {
  int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    throw KvmUnavailable(fmt::format("cannot open /dev/kvm: {}", std::strerror(errno)));
  }
  return Fd(fd);
}

// Three pages just below 4 GiB that VMX hosts need for real-mode emulation;
// guest RAM (at most layout::kMaxMemMiB) never reaches them.
constexpr std::uint64_t kTssAddr = 0xfffbd000;

}  // namespace

Vm::Vm(std::uint64_t mem_bytes) : kvm_(open_kvm()), memory_(mem_bytes) {
  if (ioctl(kvm_.get(), KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
    throw std::runtime_error("unexpected KVM API version");
  }
  vm_ = Fd(checked_ioctl(kvm_, KVM_CREATE_VM, 0, "KVM_CREATE_VM"));
  run_size_ = static_cast<std::size_t>(
      checked_ioctl(kvm_, KVM_GET_VCPU_MMAP_SIZE, 0, "KVM_GET_VCPU_MMAP_SIZE"));

  if (ioctl(vm_.get(), KVM_CHECK_EXTENSION, KVM_CAP_SET_TSS_ADDR) > 0) {
    checked_ioctl(vm_, KVM_SET_TSS_ADDR, kTssAddr, "KVM_SET_TSS_ADDR");
  }
  kvm_userspace_memory_region region{};
  region.slot = 0;
  region.guest_phys_addr = 0;
  region.memory_size = memory_.size();
  region.userspace_addr = reinterpret_cast<std::uint64_t>(memory_.host_base());
  checked_ioctl(vm_, KVM_SET_USER_MEMORY_REGION, &region, "KVM_SET_USER_MEMORY_REGION");

  enable_cap(KVM_CAP_X86_USER_SPACE_MSR, KVM_MSR_EXIT_REASON_UNKNOWN | KVM_MSR_EXIT_REASON_FILTER,
             "KVM_CAP_X86_USER_SPACE_MSR");
  // Guarantees the instruction bytes in the emulation-failure exit, which the
  // CPU-model emulation decodes. Older kernels report them without it.
  if (ioctl(vm_.get(), KVM_CHECK_EXTENSION, KVM_CAP_EXIT_ON_EMULATION_FAILURE) > 0) {
    enable_cap(KVM_CAP_EXIT_ON_EMULATION_FAILURE, 1, "KVM_CAP_EXIT_ON_EMULATION_FAILURE");
  }
  route_bank_msrs_to_user_space();
}

void Vm::enable_cap(std::uint32_t cap, std::uint64_t arg, const char* what) {
  kvm_enable_cap enable{};
  enable.cap = cap;
  enable.args[0] = arg;
  checked_ioctl(vm_, KVM_ENABLE_CAP, &enable, what);
}

// Everything is allowed except the bank's indices: denied accesses leave KVM
// as KVM_EXIT_X86_RDMSR/WRMSR with reason FILTER and reach MsrBank.
void Vm::route_bank_msrs_to_user_space() {
  kvm_msr_filter filter{};
  filter.flags = KVM_MSR_FILTER_DEFAULT_ALLOW;
  static std::uint8_t deny_all[1] = {0};  // one bit per MSR, 0 = deny
  auto indices = MsrBank::indices();
  if (indices.size() > KVM_MSR_FILTER_MAX_RANGES) {
    throw std::logic_error("too many MSR filter ranges");
  }
  for (std::size_t i = 0; i < indices.size(); ++i) {
    filter.ranges[i].flags = KVM_MSR_FILTER_READ | KVM_MSR_FILTER_WRITE;
    filter.ranges[i].nmsrs = 1;
    filter.ranges[i].base = indices[i];
    filter.ranges[i].bitmap = deny_all;
  }
  checked_ioctl(vm_, KVM_X86_SET_MSR_FILTER, &filter, "KVM_X86_SET_MSR_FILTER");
}

std::vector<kvm_cpuid_entry2> Vm::supported_cpuid() const {
  auto cpuid = std::make_unique<
      kvm::WithEntries<kvm::CpuidHeader, kvm_cpuid_entry2, kvm::kMaxCpuidEntries>>();
  cpuid->header.nent = kvm::kMaxCpuidEntries;
  checked_ioctl(kvm_, kvm::kGetSupportedCpuid, cpuid.get(), "KVM_GET_SUPPORTED_CPUID");
  return {cpuid->entries, cpuid->entries + cpuid->header.nent};
}

std::unique_ptr<Vcpu> Vm::create_vcpu(std::uint32_t index) {
  Fd fd(checked_ioctl(vm_, KVM_CREATE_VCPU, index, "KVM_CREATE_VCPU"));
  return std::make_unique<Vcpu>(std::move(fd), run_size_, index);
}

}  // namespace altpv::vmm
