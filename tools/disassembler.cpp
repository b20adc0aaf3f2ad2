// SPDX-License-Identifier: MIT
#include "disassembler.h"

#include <Zydis/Zydis.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "msr_encodings.h"

namespace altpv::inspect {
namespace {

struct Zydis {
  ZydisDecoder decoder;
  ZydisFormatter formatter;

  Zydis() {
    ZydisDecoderInit(&decoder, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
    ZydisFormatterInit(&formatter, ZYDIS_FORMATTER_STYLE_ATT);
    // Read like objdump: lower-case, unpadded numbers, every prefix shown
    // (the CS prefix of `cs wrmsr` is what makes it 3 bytes), and RIP-relative
    // operands as written, since the address they resolve to depends on
    // where the bytes are.
    ZydisFormatterSetProperty(&formatter, ZYDIS_FORMATTER_PROP_FORCE_RELATIVE_RIPREL, ZYAN_TRUE);
    ZydisFormatterSetProperty(&formatter, ZYDIS_FORMATTER_PROP_HEX_UPPERCASE, ZYAN_FALSE);
    ZydisFormatterSetProperty(&formatter, ZYDIS_FORMATTER_PROP_DETAILED_PREFIXES, ZYAN_TRUE);
    ZydisFormatterSetProperty(&formatter, ZYDIS_FORMATTER_PROP_ADDR_PADDING_ABSOLUTE,
                              ZYDIS_PADDING_DISABLED);
    ZydisFormatterSetProperty(&formatter, ZYDIS_FORMATTER_PROP_DISP_PADDING,
                              ZYDIS_PADDING_DISABLED);
    ZydisFormatterSetProperty(&formatter, ZYDIS_FORMATTER_PROP_IMM_PADDING, ZYDIS_PADDING_DISABLED);
  }
};

const Zydis& zydis() {
  static const Zydis z;
  return z;
}

// Decodes one instruction with Zydis; false when it is invalid or cut off.
bool decode_zydis(std::span<const std::uint8_t> bytes, std::uint64_t address, Instruction& out,
                  std::string& error) {
  const Zydis& z = zydis();
  ZydisDecodedInstruction insn;
  ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
  const ZyanStatus status =
      ZydisDecoderDecodeFull(&z.decoder, bytes.data(), bytes.size(), &insn, ops);
  if (!ZYAN_SUCCESS(status)) {
    error = status == ZYDIS_STATUS_NO_MORE_DATA ? "truncated instruction" : "invalid instruction";
    return false;
  }
  char text[256];
  if (!ZYAN_SUCCESS(ZydisFormatterFormatInstruction(&z.formatter, &insn, ops,
                                                    insn.operand_count_visible, text, sizeof text,
                                                    address, ZYAN_NULL))) {
    error = "unformattable instruction";
    return false;
  }
  out.bytes.assign(bytes.begin(), bytes.begin() + insn.length);
  out.text = text;
  out.nop = insn.mnemonic == ZYDIS_MNEMONIC_NOP;
  for (std::size_t i = 0; i < insn.operand_count; ++i) {
    const ZydisDecodedOperand& op = ops[i];
    if (op.type == ZYDIS_OPERAND_TYPE_MEMORY && op.mem.base == ZYDIS_REGISTER_RIP) {
      out.rip_relative = true;
    }
    ZyanU64 target;
    if (op.type == ZYDIS_OPERAND_TYPE_IMMEDIATE && op.imm.is_relative &&
        ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(&insn, &op, address, &target))) {
      out.branch_target = target;
    }
  }
  return true;
}

}  // namespace

std::string hex_bytes(std::span<const std::uint8_t> bytes) {
  return fmt::format("{:02x}", fmt::join(bytes, " "));
}

Disassembly disassemble(std::span<const std::uint8_t> bytes, std::uint64_t address) {
  Disassembly d;
  for (std::size_t pos = 0; pos < bytes.size();) {
    const auto rest = bytes.subspan(pos);
    Instruction insn;
    insn.offset = pos;
    if (const auto msr = decode_msr_encoding(rest)) {
      insn.bytes.assign(rest.begin(), rest.begin() + msr->length);
      insn.text = msr->text;
    } else if (std::string error; !decode_zydis(rest, address + pos, insn, error)) {
      d.error = fmt::format("{} at +{}", error, pos);
      return d;
    }
    pos += insn.bytes.size();
    d.instructions.push_back(std::move(insn));
  }
  return d;
}

}  // namespace altpv::inspect
