// SPDX-License-Identifier: MIT
#include "crash_report.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace altpv::vmm {

std::string vcpu_report(const VcpuControl& vcpu, const GuestMemory& memory) {
  kvm_regs r = vcpu.regs();
  kvm_sregs s = vcpu.sregs();
  std::string out = fmt::format("vCPU {}:\n", vcpu.index());
  out += fmt::format("  rax {:016x} rbx {:016x} rcx {:016x} rdx {:016x}\n", r.rax, r.rbx, r.rcx,
                     r.rdx);
  out += fmt::format("  rsi {:016x} rdi {:016x} rbp {:016x} rsp {:016x}\n", r.rsi, r.rdi, r.rbp,
                     r.rsp);
  out +=
      fmt::format("  r8  {:016x} r9  {:016x} r10 {:016x} r11 {:016x}\n", r.r8, r.r9, r.r10, r.r11);
  out += fmt::format("  r12 {:016x} r13 {:016x} r14 {:016x} r15 {:016x}\n", r.r12, r.r13, r.r14,
                     r.r15);
  out += fmt::format("  rip {:016x} rflags {:08x}\n", r.rip, r.rflags);
  out += fmt::format("  cs {:04x} ss {:04x} cr0 {:x} cr2 {:x} cr3 {:x} cr4 {:x} efer {:x}\n",
                     s.cs.selector, s.ss.selector, s.cr0, s.cr2, s.cr3, s.cr4, s.efer);
  out += fmt::format("  idt base {:x} limit {:x}  gdt base {:x} limit {:x}\n", s.idt.base,
                     s.idt.limit, s.gdt.base, s.gdt.limit);

  auto gpa = vcpu.translate(r.rip);
  if (gpa && memory.contains(*gpa, 1)) {
    std::uint64_t n = std::min<std::uint64_t>(16, memory.size() - *gpa);
    auto bytes = memory.bytes(*gpa, n);
    out += fmt::format("  bytes at rip (gpa {:#x}): {:02x}\n", *gpa, fmt::join(*bytes, " "));
  } else {
    out += "  rip is not in guest RAM\n";
  }
  return out;
}

}  // namespace altpv::vmm
