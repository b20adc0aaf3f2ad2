// SPDX-License-Identifier: MIT
#include "machine.h"

#include <cstring>

#include "abi/abi.h"
#include "altpv/engine/text_buffer.h"
#include "altpv/features.h"
#include "altpv/linked_site_table.h"

extern "C" void gp_entry();  // entry.S

namespace example {
namespace {

using altpv::testbed::Hypercall;
using altpv::testbed::HypercallError;

struct HypercallResult {
  HypercallError status;
  std::uint64_t value;  // rdx, for the calls that return one
};

// The testbed's hypercall: number in eax, arguments in rdi and rsi, status
// back in rax and a value in rdx; the VMM preserves every other register.
HypercallResult hypercall(Hypercall number, std::uint64_t a0 = 0, std::uint64_t a1 = 0) {
  std::uint64_t rax = static_cast<std::uint32_t>(number), rdx;
  asm volatile("out %%eax, %[port]"
               : "+a"(rax), "=d"(rdx)
               : [port] "N"(altpv::testbed::kHypercallPort), "D"(a0), "S"(a1)
               : "memory");
  return {static_cast<HypercallError>(rax), rdx};
}

class MsrHypercalls final : public altpv::MsrHandler {
 public:
  // The VMM answers BadMsr for an MSR that would #GP natively.
  altpv::MsrAccess write(std::uint32_t msr, std::uint64_t value, bool) noexcept override {
    return done(hypercall(Hypercall::MsrWrite, msr, value).status);
  }
  altpv::MsrAccess read(std::uint32_t msr, std::uint64_t* value) noexcept override {
    const HypercallResult r = hypercall(Hypercall::MsrRead, msr);
    *value = r.value;
    return done(r.status);
  }

 private:
  static altpv::MsrAccess done(HypercallError status) {
    return status == HypercallError::Ok ? altpv::MsrAccess::Done : altpv::MsrAccess::Fault;
  }
};

constinit MsrHypercalls msr_handler;

// A 64-bit interrupt gate (SDM vol. 3A, 6.14.1).
struct [[gnu::packed]] IdtGate {
  std::uint16_t offset_low;
  std::uint16_t selector;
  std::uint8_t ist;
  std::uint8_t type;  // present, DPL 0, interrupt gate
  std::uint16_t offset_mid;
  std::uint32_t offset_high;
  std::uint32_t reserved;
};
constexpr unsigned kGeneralProtection = 13;
constinit IdtGate idt[kGeneralProtection + 1] = {};

}  // namespace

void console_write(std::string_view text) {
  hypercall(Hypercall::ConsoleWrite, reinterpret_cast<std::uintptr_t>(text.data()), text.size());
}

void exit_machine(std::uint64_t code) {
  hypercall(Hypercall::Exit, code);
  for (;;) asm volatile("cli; hlt");
}

void install_gp_handler() {
  const auto entry = reinterpret_cast<std::uintptr_t>(&gp_entry);
  std::uint16_t code_selector;
  asm("mov %%cs, %0" : "=r"(code_selector));
  idt[kGeneralProtection] = {static_cast<std::uint16_t>(entry),
                             code_selector,
                             0,
                             0x8e,
                             static_cast<std::uint16_t>(entry >> 16),
                             static_cast<std::uint32_t>(entry >> 32),
                             0};
  struct [[gnu::packed]] {
    std::uint16_t limit;
    const void* base;
  } idtr = {sizeof idt - 1, idt};
  asm volatile("lidt %0" : : "m"(idtr));
}

bool paravirtual() {
  using altpv::testbed::kPvBaseLeaf;
  const altpv::CpuidResult r = altpv::cpuid_instruction(kPvBaseLeaf, 0);
  const std::uint32_t signature[3] = {r.ebx, r.ecx, r.edx};
  return r.eax >= altpv::testbed::kPvMaxLeaf &&
         std::memcmp(signature, altpv::testbed::kPvSignature, sizeof signature) == 0;
}

altpv::MsrHandler& msr_hypercalls() {
  return msr_handler;
}

}  // namespace example

// Called by gp_entry with the faulting rip: where to resume, from the
// exception table. A #GP nothing covers is a bug: say where, and stop.
extern "C" std::uintptr_t gp_fixup(std::uintptr_t rip) {
  const std::uintptr_t fixup = altpv::linked_fixup(rip);
  if (fixup != 0) return fixup;
  char buf[64];
  altpv::TextBuffer line(buf, sizeof buf);
  line.str("example-kernel: #GP at rip 0x").hex(rip).str("\n");
  example::console_write(line.view());
  example::exit_machine(3);
}
