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
  if ((insn.attributes & ZYDIS_ATTRIB_IS_RELATIVE) != 0 && insn.operand_count_visible > 0) {
    ZyanU64 target;
    if (ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(&insn, &ops[0], address, &target))) {
      out.branch_target = target;
    }
  }
  return out;
}

}  // namespace altpv::testing
