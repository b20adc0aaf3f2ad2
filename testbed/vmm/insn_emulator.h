// SPDX-License-Identifier: MIT
// Decoder and executor for the MSR instructions the CPU model may advertise
// but the host lacks: WRMSRNS, WRMSRNS imm32,r64 and RDMSR r64,imm32. Both
// emulation paths use it: KVM's emulation-failure exit and the guest's #UD
// handler calling the EmulateInsn hypercall.
#pragma once

#include <cstdint>
#include <span>

#include "abi/abi.h"
#include "guest_cpuid.h"
#include "msr_bank.h"

namespace altpv::vmm {

enum class MsrInsnKind {
  Wrmsrns,     // [seg prefixes] 0f 01 c6
  WrmsrnsImm,  // [seg prefixes] c4 e7|c7 7a f6 c0+r imm32   (VEX.LZ.F3.M7.W0 F6 /0 id)
  RdmsrImm,    // [seg prefixes] c4 e7|c7 7b f6 c0+r imm32   (VEX.LZ.F2.M7.W0 F6 /0 id)
};

struct MsrInsn {
  MsrInsnKind kind;
  unsigned reg;         // 0..15 (rax..r15), imm forms only
  std::uint32_t index;  // the MSR index, imm forms only
  unsigned length;      // bytes including prefixes
};

enum class DecodeStatus {
  Ok,
  NotMsrInsn,  // some other instruction: not ours to emulate
  Truncated,   // the bytes end before the instruction does
  Invalid,     // one of ours, but an encoding the CPU rejects with #UD
};

struct Decoded {
  DecodeStatus status;
  MsrInsn insn;
};

Decoded decode_msr_insn(std::span<const std::uint8_t> bytes);

enum class EmulationResult {
  Done,               // registers and rip updated
  InvalidOpcode,      // #UD: the model lacks the feature, or an invalid encoding
  GeneralProtection,  // #GP(0): MSR not emulated, bad value, or CPL > 0
  NotMsrInsn,         // not an instruction this emulator knows
  Truncated,          // the bytes end before the instruction does
};

// Who is executing: the registers are in the GprFrame (testbed ABI layout).
struct MsrInsnContext {
  const GuestCpuid& model;
  MsrBank& bank;
  ArchMsrs& arch;
  std::uint32_t vcpu;
  unsigned cpl;
};

// Decodes `bytes` (the instruction at frame.rip) and executes it against the
// bank. The one entry point of both emulation paths.
EmulationResult emulate_msr_insn(std::span<const std::uint8_t> bytes, testbed::GprFrame& frame,
                                 const MsrInsnContext& ctx);

// Register `n` (0 = rax ... 15 = r15, the ModRM/VEX numbering) in a frame.
std::uint64_t& frame_gpr(testbed::GprFrame& frame, unsigned n);

}  // namespace altpv::vmm
