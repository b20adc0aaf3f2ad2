// SPDX-License-Identifier: MIT
#include "insn_emulator.h"

#include <iterator>

namespace altpv::vmm {
namespace {

bool is_segment_prefix(std::uint8_t b) {
  return b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 || b == 0x65;
}

constexpr unsigned kVexLength = 9;  // c4 P0 P1 f6 modrm imm32

// VEX3: c4 [R̄ X̄ B̄ mmmmm] [W v̄v̄v̄v̄ L pp] opcode modrm imm32. Only the
// register form (mod = 11) with reg = /0 exists; B̄ (inverted) extends rm to
// r8-r15, X̄ is ignored for a register operand.
Decoded decode_vex(std::span<const std::uint8_t> b, unsigned prefixes) {
  Decoded out{DecodeStatus::NotMsrInsn, {}};
  // Judged as far as the bytes go: short is "truncated" only while it could
  // still be one of ours.
  if (b.size() < 2) return {DecodeStatus::Truncated, {}};
  if ((b[1] & 0x1f) != 7) return out;
  if (b.size() < 3) return {DecodeStatus::Truncated, {}};
  std::uint8_t p0 = b[1], p1 = b[2];
  unsigned pp = p1 & 3;
  if (pp != 2 && pp != 3) return out;
  if (b.size() < 4) return {DecodeStatus::Truncated, {}};
  if (b[3] != 0xf6) return out;

  if (b.size() < kVexLength) return {DecodeStatus::Truncated, {}};
  std::uint8_t modrm = b[4];
  bool rex_r = (p0 & 0x80) == 0, rex_b = (p0 & 0x20) == 0;
  bool w = (p1 & 0x80) != 0, l = (p1 & 0x04) != 0;
  unsigned vvvv = (~p1 >> 3) & 0xf;
  unsigned mod = modrm >> 6, reg = (modrm >> 3) & 7, rm = modrm & 7;
  if (w || l || vvvv != 0 || rex_r || mod != 3 || reg != 0) return {DecodeStatus::Invalid, {}};

  std::uint32_t imm = std::uint32_t{b[5]} | std::uint32_t{b[6]} << 8 | std::uint32_t{b[7]} << 16 |
                      std::uint32_t{b[8]} << 24;
  out.status = DecodeStatus::Ok;
  out.insn = {pp == 2 ? MsrInsnKind::WrmsrnsImm : MsrInsnKind::RdmsrImm, rm + (rex_b ? 8u : 0u),
              imm, prefixes + kVexLength};
  return out;
}

}  // namespace

Decoded decode_msr_insn(std::span<const std::uint8_t> bytes) {
  unsigned prefixes = 0;
  while (prefixes < bytes.size() && is_segment_prefix(bytes[prefixes])) ++prefixes;
  std::span<const std::uint8_t> b = bytes.subspan(prefixes);
  if (b.empty()) return {DecodeStatus::Truncated, {}};
  if (b[0] == 0xc4) return decode_vex(b, prefixes);
  // 0f 01 c6, judged one byte at a time so a short buffer is only
  // "truncated" while it could still be WRMSRNS.
  static constexpr std::uint8_t kWrmsrns[] = {0x0f, 0x01, 0xc6};
  for (std::size_t i = 0; i < std::size(kWrmsrns); ++i) {
    if (i == b.size()) return {DecodeStatus::Truncated, {}};
    if (b[i] != kWrmsrns[i]) return {DecodeStatus::NotMsrInsn, {}};
  }
  return {DecodeStatus::Ok, {MsrInsnKind::Wrmsrns, 0, 0, prefixes + 3}};
}

std::uint64_t& frame_gpr(testbed::GprFrame& f, unsigned n) {
  std::uint64_t* regs[16] = {&f.rax, &f.rcx, &f.rdx, &f.rbx, &f.rsp, &f.rbp, &f.rsi, &f.rdi,
                             &f.r8,  &f.r9,  &f.r10, &f.r11, &f.r12, &f.r13, &f.r14, &f.r15};
  return *regs[n & 15];
}

namespace {

EmulationResult execute(const MsrInsn& insn, testbed::GprFrame& frame, const MsrInsnContext& ctx) {
  // Never emulate what the model does not advertise: the real CPU would #UD.
  Feature needed = insn.kind == MsrInsnKind::Wrmsrns ? Feature::Wrmsrns : Feature::MsrImm;
  if (!ctx.model.has(needed)) return EmulationResult::InvalidOpcode;
  if (ctx.cpl != 0) return EmulationResult::GeneralProtection;

  switch (insn.kind) {
    case MsrInsnKind::Wrmsrns: {
      auto msr = static_cast<std::uint32_t>(frame.rcx);
      std::uint64_t value = (frame.rdx & 0xffffffff) << 32 | (frame.rax & 0xffffffff);
      if (!ctx.bank.write(ctx.vcpu, msr, value, ctx.arch, MsrPath::EmulatedInsn)) {
        return EmulationResult::GeneralProtection;
      }
      break;
    }
    case MsrInsnKind::WrmsrnsImm:
      if (!ctx.bank.write(ctx.vcpu, insn.index, frame_gpr(frame, insn.reg), ctx.arch,
                          MsrPath::EmulatedInsn)) {
        return EmulationResult::GeneralProtection;
      }
      break;
    case MsrInsnKind::RdmsrImm: {
      auto value = ctx.bank.read(ctx.vcpu, insn.index, ctx.arch, MsrPath::EmulatedInsn);
      if (!value) return EmulationResult::GeneralProtection;
      frame_gpr(frame, insn.reg) = *value;
      break;
    }
  }
  frame.rip += insn.length;
  return EmulationResult::Done;
}

}  // namespace

EmulationResult emulate_msr_insn(std::span<const std::uint8_t> bytes, testbed::GprFrame& frame,
                                 const MsrInsnContext& ctx) {
  Decoded d = decode_msr_insn(bytes);
  switch (d.status) {
    case DecodeStatus::Ok:
      return execute(d.insn, frame, ctx);
    case DecodeStatus::Invalid:
      return EmulationResult::InvalidOpcode;
    case DecodeStatus::Truncated:
      return EmulationResult::Truncated;
    case DecodeStatus::NotMsrInsn:
      break;
  }
  return EmulationResult::NotMsrInsn;
}

}  // namespace altpv::vmm
