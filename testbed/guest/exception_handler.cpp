// SPDX-License-Identifier: MIT
#include "exception_handler.h"

#include "abi/abi.h"
#include "altpv/linked_site_table.h"
#include "console.h"
#include "invalid_opcode.h"
#include "live_keys.h"
#include "panic.h"
#include "platform.h"

namespace altpv::guest {
namespace {

constinit FixedUpException last_fixup = {};

const char* vector_mnemonic(std::uint64_t vector) {
  static constexpr const char* kNames[kExceptionVectors] = {
      "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#09", "#TS",
      "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
      "#22", "#23", "#24", "#25", "#26", "#27", "#HV", "#VC", "#SX", "#31"};
  return vector < kExceptionVectors ? kNames[vector] : "#??";
}

std::uint64_t read_cr2() {
  std::uint64_t cr2;
  asm volatile("mov %%cr2, %0" : "=r"(cr2));
  return cr2;
}

struct NamedRegister {
  const char* name;
  std::uint64_t value;
};

// An `exception` record for hosts (docs/testbed.md), then every register,
// as the exception found them, four to a line, for people.
void print_unhandled(const ExceptionFrame& f) {
  JsonLine("exception")
      .out()
      .num("vector", f.vector)
      .str("name", vector_mnemonic(f.vector))
      .hex("error_code", f.error_code)
      .hex("rip", f.rip)
      .hex("cr2", read_cr2())
      .num("vcpu", vcpu_index());
  const NamedRegister regs[] = {
      {"rax", f.rax}, {"rbx", f.rbx},    {"rcx", f.rcx}, {"rdx", f.rdx}, {"rsi", f.rsi},
      {"rdi", f.rdi}, {"rbp", f.rbp},    {"rsp", f.rsp}, {"r8 ", f.r8},  {"r9 ", f.r9},
      {"r10", f.r10}, {"r11", f.r11},    {"r12", f.r12}, {"r13", f.r13}, {"r14", f.r14},
      {"r15", f.r15}, {"rfl", f.rflags}, {"cs ", f.cs},  {"ss ", f.ss},  {"cr2", read_cr2()}};
  constexpr unsigned kPerLine = 4;
  for (unsigned i = 0; i < sizeof regs / sizeof regs[0]; i += kPerLine) {
    Line line;
    for (unsigned j = i; j < i + kPerLine; ++j) {
      line.out().str("  ").str(regs[j].name).chr('=').hex(regs[j].value, 16);
    }
  }
}

// The engine's exception-table contract: an exception at a rip inside a
// listed range resumes at that range's fixup with every register as it was.
// The rip is the one the CPU pushed: for a trap (#BP), the next instruction.
bool apply_fixup(ExceptionFrame& f) {
  const std::uintptr_t fixup = altpv::linked_fixup(f.rip);
  if (fixup == 0) return false;
  last_fixup = {f.vector, f.error_code, f.rip, f.vector == kPageFault ? read_cr2() : 0,
                last_fixup.count + 1};
  f.rip = fixup;
  return true;
}

}  // namespace

FixedUpException last_fixed_up_exception() {
  return last_fixup;
}

}  // namespace altpv::guest

extern "C" void handle_exception(altpv::guest::ExceptionFrame* frame) {
  using namespace altpv::guest;
  // The fault address as a PV hypervisor reports it: Xen writes it into the
  // vCPU's shared info while it bounces the fault. Here KVM delivers #PF
  // straight to the guest, so its entry writes it, before anything that may
  // fault again; the PV read_cr2 reads %gs:kVcpuCr2 instead of CR2.
  if (frame->vector == kPageFault) {
    asm volatile("mov %%cr2, %%rax; mov %%rax, %%gs:%c0"
                 :
                 : "i"(altpv::testbed::kVcpuCr2)
                 : "rax", "memory");
  }
  if (frame->vector == kInvalidOpcode) {
    switch (emulate_invalid_opcode(*frame)) {
      case InvalidOpcode::Emulated:
        return;
      case InvalidOpcode::GeneralProtection:
        frame->vector = kGeneralProtection;
        frame->error_code = 0;
        break;
      case InvalidOpcode::Genuine:
        break;
    }
  }
  // An int3 of a key switch: on to the old or the new state, never a mix.
  if (frame->vector == kBreakpoint) {
    if (const std::uintptr_t to = route_breakpoint(frame->rip)) {
      frame->rip = to;
      return;
    }
  }
  if (apply_fixup(*frame)) return;
  print_unhandled(*frame);
  char buf[96];
  altpv::TextBuffer what(buf, sizeof buf);
  what.str("unhandled ").str(vector_mnemonic(frame->vector)).str(" at rip 0x").hex(frame->rip);
  panic(what.view());
}
