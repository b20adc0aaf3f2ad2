// SPDX-License-Identifier: MIT
#include "x86_decoder.h"

#include <Zydis/Zydis.h>

namespace altpv::testing {

std::optional<DecodedInsn> decode_insn(const std::uint8_t* p, std::size_t len,
                                       std::uint64_t address) {
  ZydisDecoder decoder;
  if (!ZYAN_SUCCESS(ZydisDecoderInit(&decoder, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64))) {
    return std::nullopt;
  }
  ZydisDecodedInstruction insn;
  ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
  if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(&decoder, p, len, &insn, ops))) return std::nullopt;

  DecodedInsn out;
  out.mnemonic = ZydisMnemonicGetString(insn.mnemonic);
  out.length = insn.length;
  out.xop = insn.encoding == ZYDIS_INSTRUCTION_ENCODING_XOP;
  if ((insn.attributes & ZYDIS_ATTRIB_IS_RELATIVE) != 0 && insn.operand_count_visible > 0) {
    ZyanU64 target;
    if (ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(&insn, &ops[0], address, &target))) {
      out.branch_target = target;
    }
  }
  for (const auto& imm : insn.raw.imm) {
    if (imm.is_relative) {
      out.relative_offset = imm.offset;
      out.relative_size = imm.size / 8;
    }
  }
  for (std::size_t i = 0; i < insn.operand_count; ++i) {
    const ZydisDecodedOperand& op = ops[i];
    if (op.type != ZYDIS_OPERAND_TYPE_MEMORY) continue;
    out.rip_relative |= op.mem.base == ZYDIS_REGISTER_RIP;
    out.eip_relative |= op.mem.base == ZYDIS_REGISTER_EIP;
    if (op.mem.base == ZYDIS_REGISTER_RIP || op.mem.base == ZYDIS_REGISTER_EIP) {
      out.relative_offset = insn.raw.disp.offset;
      out.relative_size = insn.raw.disp.size / 8;
    }
  }
  return out;
}

}  // namespace altpv::testing
