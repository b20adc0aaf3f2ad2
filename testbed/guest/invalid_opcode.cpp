// SPDX-License-Identifier: MIT
#include "invalid_opcode.h"

#include "hypercall.h"
#include "platform.h"

namespace altpv::guest {

using altpv::testbed::GprFrame;
using altpv::testbed::Hypercall;
using altpv::testbed::HypercallError;

InvalidOpcode emulate_invalid_opcode(ExceptionFrame& f) {
  // Only altpv-vmm emulates what its CPU model advertises; elsewhere a #UD is real.
  if (!missing(Requires::Testbed).empty()) return InvalidOpcode::Genuine;
  GprFrame g{f.rax, f.rbx, f.rcx, f.rdx, f.rsi, f.rdi, f.rbp, f.rsp, f.r8,
             f.r9,  f.r10, f.r11, f.r12, f.r13, f.r14, f.r15, f.rip, f.rflags};
  const HypercallResult r = hypercall(Hypercall::EmulateInsn, reinterpret_cast<std::uintptr_t>(&g));
  switch (r.status) {
    case HypercallError::Ok:
      // The emulated instructions write general registers and rip only;
      // rsp and the segment state stay the CPU's.
      f.rax = g.rax, f.rbx = g.rbx, f.rcx = g.rcx, f.rdx = g.rdx;
      f.rsi = g.rsi, f.rdi = g.rdi, f.rbp = g.rbp;
      f.r8 = g.r8, f.r9 = g.r9, f.r10 = g.r10, f.r11 = g.r11;
      f.r12 = g.r12, f.r13 = g.r13, f.r14 = g.r14, f.r15 = g.r15;
      f.rip = g.rip, f.rflags = g.rflags;
      return InvalidOpcode::Emulated;
    case HypercallError::BadMsr:
      return InvalidOpcode::GeneralProtection;
    default:
      return InvalidOpcode::Genuine;
  }
}

}  // namespace altpv::guest
