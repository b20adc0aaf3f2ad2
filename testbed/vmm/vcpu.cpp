// SPDX-License-Identifier: MIT
#include "vcpu.h"

#include "kvm_arrays.h"

#include <algorithm>
#include <atomic>
#include <memory>

#include <fmt/format.h>

namespace altpv::vmm {

Vcpu::Vcpu(Fd fd, std::size_t run_size, std::uint32_t index)
    : fd_(std::move(fd)), run_map_(run_size, fd_.get(), "mmap kvm_run"), index_(index) {}

bool Vcpu::run() {
  run_sequence_.fetch_add(1);  // odd: a request from now on must kick this thread
  const int result = ioctl(fd_.get(), KVM_RUN, 0);
  const int error = errno;
  run_sequence_.fetch_add(1);
  if (result == 0) return true;
  if (error != EINTR) throw std::system_error(error, std::generic_category(), "KVM_RUN");
  return false;
}

void Vcpu::request_immediate_exit() {
  std::atomic_ref<std::uint8_t>(run_page().immediate_exit).store(1);
}

void Vcpu::clear_immediate_exit() {
  std::atomic_ref<std::uint8_t>(run_page().immediate_exit).store(0);
}

kvm_regs Vcpu::regs() const {
  kvm_regs regs;
  checked_ioctl(fd_, KVM_GET_REGS, &regs, "KVM_GET_REGS");
  return regs;
}

void Vcpu::set_regs(const kvm_regs& regs) {
  checked_ioctl(fd_, KVM_SET_REGS, &regs, "KVM_SET_REGS");
}

kvm_sregs Vcpu::sregs() const {
  kvm_sregs sregs;
  checked_ioctl(fd_, KVM_GET_SREGS, &sregs, "KVM_GET_SREGS");
  return sregs;
}

void Vcpu::set_sregs(const kvm_sregs& sregs) {
  checked_ioctl(fd_, KVM_SET_SREGS, &sregs, "KVM_SET_SREGS");
}

void Vcpu::set_cpuid(const std::vector<kvm_cpuid_entry2>& entries) {
  auto cpuid = std::make_unique<
      kvm::WithEntries<kvm::CpuidHeader, kvm_cpuid_entry2, kvm::kMaxCpuidEntries>>();
  if (entries.size() > kvm::kMaxCpuidEntries) throw std::length_error("CPUID table too large");
  cpuid->header.nent = static_cast<std::uint32_t>(entries.size());
  std::copy(entries.begin(), entries.end(), cpuid->entries);
  checked_ioctl(fd_, kvm::kSetCpuid2, cpuid.get(), "KVM_SET_CPUID2");
}

void Vcpu::inject_exception(std::uint8_t vector, std::optional<std::uint32_t> error_code) {
  kvm_vcpu_events events;
  checked_ioctl(fd_, KVM_GET_VCPU_EVENTS, &events, "KVM_GET_VCPU_EVENTS");
  events.exception.injected = 1;
  events.exception.nr = vector;
  events.exception.has_error_code = error_code.has_value();
  events.exception.error_code = error_code.value_or(0);
  events.flags = 0;  // leave NMI, SIPI and shadow state as they are
  checked_ioctl(fd_, KVM_SET_VCPU_EVENTS, &events, "KVM_SET_VCPU_EVENTS");
}

void Vcpu::inject_interrupt(std::uint8_t vector) {
  kvm_interrupt irq{vector};
  checked_ioctl(fd_, KVM_INTERRUPT, &irq, "KVM_INTERRUPT");
}

// KVM has no user-space call to flush a vCPU's TLB, but it rebuilds its
// view of the guest's page tables (and so drops every cached translation,
// the shadow pages it let run out of sync included) when KVM_SET_SREGS
// changes CR3. So: CR3 with PWT flipped, then CR3 as it was; the guest does
// not run in between and sees only its own value.
void Vcpu::flush_tlb() {
  constexpr std::uint64_t kCr3Pwt = 1u << 3;
  kvm_sregs sregs = this->sregs();
  const std::uint64_t cr3 = sregs.cr3;
  sregs.cr3 = cr3 ^ kCr3Pwt;
  set_sregs(sregs);
  sregs.cr3 = cr3;
  set_sregs(sregs);
}

void Vcpu::set_single_step(bool on) {
  kvm_guest_debug debug{};
  debug.control = on ? KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP : 0;
  checked_ioctl(fd_, KVM_SET_GUEST_DEBUG, &debug, "KVM_SET_GUEST_DEBUG");
}

std::optional<std::uint64_t> Vcpu::translate(std::uint64_t gva) const {
  kvm_translation tr{};
  tr.linear_address = gva;
  if (ioctl(fd_.get(), KVM_TRANSLATE, &tr) < 0 || !tr.valid) return std::nullopt;
  return tr.physical_address;
}

// KVM_GET_MSRS/KVM_SET_MSRS on one entry (kvm_msrs ends in a flexible array).
std::uint32_t Vcpu::tsc_khz() const {
  const int khz = ioctl(fd_.get(), KVM_GET_TSC_KHZ, 0);
  return khz > 0 ? static_cast<std::uint32_t>(khz) : 0;
}

std::uint64_t Vcpu::msr_ioctl(unsigned long request, std::uint32_t msr, std::uint64_t value) {
  kvm::WithEntries<kvm::MsrsHeader, kvm_msr_entry, 1> msrs{};
  msrs.header.nmsrs = 1;
  msrs.entries[0].index = msr;
  msrs.entries[0].data = value;
  if (checked_ioctl(fd_, request, &msrs, "KVM_GET_MSRS/KVM_SET_MSRS") != 1) {
    throw std::runtime_error(fmt::format("KVM refused host access to MSR {:#x}", msr));
  }
  return msrs.entries[0].data;
}

std::uint64_t Vcpu::get(std::uint32_t msr) {
  return msr_ioctl(kvm::kGetMsrs, msr, 0);
}

void Vcpu::set(std::uint32_t msr, std::uint64_t value) {
  msr_ioctl(kvm::kSetMsrs, msr, value);
}

testbed::GprFrame to_frame(const kvm_regs& r) {
  return {r.rax, r.rbx, r.rcx, r.rdx, r.rsi, r.rdi, r.rbp, r.rsp, r.r8,
          r.r9,  r.r10, r.r11, r.r12, r.r13, r.r14, r.r15, r.rip, r.rflags};
}

void from_frame(const testbed::GprFrame& f, kvm_regs& r) {
  r.rax = f.rax, r.rbx = f.rbx, r.rcx = f.rcx, r.rdx = f.rdx, r.rsi = f.rsi, r.rdi = f.rdi;
  r.rbp = f.rbp, r.rsp = f.rsp, r.r8 = f.r8, r.r9 = f.r9, r.r10 = f.r10, r.r11 = f.r11;
  r.r12 = f.r12, r.r13 = f.r13, r.r14 = f.r14, r.r15 = f.r15, r.rip = f.rip, r.rflags = f.rflags;
}

}  // namespace altpv::vmm
