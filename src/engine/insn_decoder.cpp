// SPDX-License-Identifier: MIT
#include "insn_decoder.h"

namespace altpv {
namespace {

// What follows the opcode byte, one character per opcode, 16 to a row, in
// 64-bit mode (Intel SDM vol. 2D, appendix A, "Opcode Map"):
//   .  nothing                 M  ModRM                  m  ModRM, imm8
//   Z  ModRM, imm16/32         C  ModRM, always a register (MOV CR/DR)
//   b  imm8                    w  imm16                  z  imm16/32
//   v  imm16/32/64             o  moffs64/32             r  rel8
//   R  rel32                   x  invalid in 64-bit mode
//   p  a prefix, consumed before any opcode is looked up
//   *  decoded in code: escapes, ENTER, and groups whose operands depend on
//      ModRM.reg
constexpr char kOneByteMap[] =
    "MMMMbzxxMMMMbzx*"   // 0x
    "MMMMbzxxMMMMbzxx"   // 1x
    "MMMMbzpxMMMMbzpx"   // 2x
    "MMMMbzpxMMMMbzpx"   // 3x
    "pppppppppppppppp"   // 4x  REX
    "................"   // 5x
    "xx*MppppzZbm...."   // 6x  62: EVEX
    "rrrrrrrrrrrrrrrr"   // 7x  Jcc rel8
    "mZxmMMMMMMMMMMM*"   // 8x
    "..........x....."   // 9x
    "oooo....bz......"   // ax
    "bbbbbbbbvvvvvvvv"   // bx
    "mmw.*****.w..bx."   // cx  c4/c5: VEX
    "MMMMxxx.MMMMMMMM"   // dx
    "rrrrbbbbRRxr...."   // ex
    "p.pp..**......**";  // fx

// The 0F map. 0F 38 has ModRM and no immediate for every opcode, 0F 3A ModRM
// and imm8, so they need no table.
constexpr char kTwoByteMap[] =
    "MMMMx.....x.xM.*"   // 0x  0f 0f: 3DNow!
    "MMMMMMMMMMMMMMMM"   // 1x
    "CCCCxxxxMMMMMMMM"   // 2x
    "......x.*x*xxxxx"   // 3x  38, 3a: three-byte maps
    "MMMMMMMMMMMMMMMM"   // 4x
    "MMMMMMMMMMMMMMMM"   // 5x
    "MMMMMMMMMMMMMMMM"   // 6x
    "mmmmMMM.*MxxMMMM"   // 7x
    "RRRRRRRRRRRRRRRR"   // 8x  Jcc rel32
    "MMMMMMMMMMMMMMMM"   // 9x
    "...MmMMM...MmMMM"   // ax  a6, a7: VIA PadLock
    "MMMMMMMMMMmMMMMM"   // bx
    "MMmMmmmM........"   // cx
    "MMMMMMMMMMMMMMMM"   // dx
    "MMMMMMMMMMMMMMMM"   // ex
    "MMMMMMMMMMMMMMMM";  // fx

static_assert(sizeof kOneByteMap == 257 && sizeof kTwoByteMap == 257);

// Opcodes of VEX/EVEX map 1 that take an imm8 (the rest of the map takes none).
bool map1_has_imm8(std::uint8_t op) {
  return (op >= 0x70 && op <= 0x73) || op == 0xc2 || (op >= 0xc4 && op <= 0xc6);
}

std::uint8_t modrm_mod(std::uint8_t m) {
  return m >> 6;
}
std::uint8_t modrm_reg(std::uint8_t m) {
  return (m >> 3) & 7;
}
std::uint8_t modrm_rm(std::uint8_t m) {
  return m & 7;
}

class Decoder {
 public:
  Decoder(const std::uint8_t* p, std::size_t avail)
      : p_(p), end_(avail < kMaxInsnLength ? avail : kMaxInsnLength) {}

  bool decode(InsnLayout& out) {
    std::uint8_t op;
    if (!prefixes(op)) return false;
    bool ok;
    switch (op) {
      case 0x0f:
        ok = escape_0f();
        break;
      case 0xc4:
      case 0xc5:
        ok = vex(op);
        break;
      case 0x62:
        ok = evex();
        break;
      default:
        ok = one_byte(op);
        break;
    }
    if (!ok) return false;
    out = layout_;
    out.length = static_cast<std::uint8_t>(pos_);
    return true;
  }

 private:
  bool next(std::uint8_t& b) {
    if (pos_ == end_) return false;
    b = p_[pos_++];
    return true;
  }
  bool skip(std::size_t n) {
    if (n > end_ - pos_) return false;
    pos_ += n;
    return true;
  }

  // Legacy prefixes and REX; leaves the first opcode byte in `op`.
  bool prefixes(std::uint8_t& op) {
    for (;;) {
      if (!next(op)) return false;
      switch (op) {
        case 0x26:
        case 0x2e:
        case 0x36:
        case 0x3e:
        case 0x64:
        case 0x65:
          break;
        case 0x66:
          operand_size_ = true;
          break;
        case 0x67:
          address_size_ = true;
          break;
        case 0xf0:
          lock_ = true;
          break;
        case 0xf2:
        case 0xf3:
          rep_ = op;
          break;
        default:
          if ((op & 0xf0) != 0x40) return true;
          rex_ = op;
          continue;
      }
      rex_ = 0;  // a REX counts only right before the opcode
    }
  }

  bool rex_w() const { return (rex_ & 0x08) != 0; }
  std::size_t imm_z() const { return operand_size_ && !rex_w() ? 2 : 4; }
  // The SSE "mandatory prefix": F2/F3 (the last one) before 66.
  std::uint8_t mandatory_prefix() const {
    return rep_ != 0 ? rep_ : operand_size_ ? std::uint8_t{0x66} : std::uint8_t{0};
  }

  // ModRM, then SIB and displacement as it asks for (64-bit addressing;
  // 67 changes the width of the address, not the encoding).
  bool modrm(std::uint8_t& m, bool register_only = false) {
    if (!next(m)) return false;
    const std::uint8_t mod = modrm_mod(m);
    if (mod == 3 || register_only) return true;
    if (modrm_rm(m) == 4) {
      std::uint8_t sib;
      if (!next(sib)) return false;
      if (mod == 0 && (sib & 7) == 5) return skip(4);  // no base: disp32
    } else if (mod == 0 && modrm_rm(m) == 5) {
      if (address_size_) return false;  // EIP-relative
      return field(RelativeField::RipRelative, 4);
    }
    return skip(mod == 1 ? 1 : mod == 2 ? 4 : 0);
  }

  bool field(RelativeField kind, std::size_t size) {
    layout_.relative = kind;
    layout_.field_offset = static_cast<std::uint8_t>(pos_);
    layout_.field_size = static_cast<std::uint8_t>(size);
    return skip(size);
  }
  bool branch(std::size_t size) {
    // 66 makes a near branch rel16 and truncates RIP on AMD; Intel ignores it.
    if (operand_size_) return false;
    return field(RelativeField::Branch, size);
  }

  bool operands(char kind) {
    std::uint8_t m;
    switch (kind) {
      case '.':
        return true;
      case 'M':
        return modrm(m);
      case 'm':
        return modrm(m) && skip(1);
      case 'Z':
        return modrm(m) && skip(imm_z());
      case 'C':
        return modrm(m, true);
      case 'b':
        return skip(1);
      case 'w':
        return skip(2);
      case 'z':
        return skip(imm_z());
      case 'v':
        return skip(rex_w() ? 8 : operand_size_ ? 2 : 4);
      case 'o':
        return skip(address_size_ ? 4 : 8);
      case 'r':
        return branch(1);
      case 'R':
        return branch(4);
      default:
        return false;
    }
  }

  bool one_byte(std::uint8_t op) {
    const char kind = kOneByteMap[op];
    if (kind != '*') return operands(kind);
    std::uint8_t m;
    switch (op) {
      case 0x8f:  // POP r/m; another /reg is AMD's XOP escape
        return modrm(m) && modrm_reg(m) == 0;
      case 0xc6:  // MOV r/m8, imm8; XABORT imm8 (c6 f8)
        return modrm(m) && (modrm_reg(m) == 0 || m == 0xf8) && skip(1);
      case 0xc7:  // MOV r/m, imm32; XBEGIN rel32 (c7 f8)
        if (!modrm(m)) return false;
        if (modrm_reg(m) == 0) return skip(imm_z());
        return m == 0xf8 && branch(4);
      case 0xc8:  // ENTER imm16, imm8
        return skip(3);
      case 0xf6:  // group 3: TEST (/0, /1) has an immediate
        return modrm(m) && (modrm_reg(m) > 1 || skip(1));
      case 0xf7:
        return modrm(m) && (modrm_reg(m) > 1 || skip(imm_z()));
      case 0xfe:  // INC, DEC
        return modrm(m) && modrm_reg(m) <= 1;
      case 0xff:
        return modrm(m) && modrm_reg(m) != 7;
      default:
        return false;
    }
  }

  bool escape_0f() {
    std::uint8_t op, m;
    if (!next(op)) return false;
    switch (op) {
      case 0x38:
        return next(op) && modrm(m);
      case 0x3a:
        return next(op) && modrm(m) && skip(1);
      case 0x0f:  // 3DNow!: the opcode is a trailing imm8
        return modrm(m) && skip(1);
      case 0x78: {  // VMREAD; with 66 or F2, SSE4a EXTRQ/INSERTQ imm8, imm8
        const std::uint8_t prefix = mandatory_prefix();
        return modrm(m) && (!(prefix == 0x66 || prefix == 0xf2) || skip(2));
      }
      default:
        return operands(kTwoByteMap[op]);
    }
  }

  bool vex_allowed() const { return rex_ == 0 && !operand_size_ && rep_ == 0 && !lock_; }

  bool vex(std::uint8_t first) {
    if (!vex_allowed()) return false;  // #UD
    std::uint8_t b1, b2 = 0, op, m;
    if (!next(b1)) return false;
    std::uint8_t map = 1;
    if (first == 0xc4) {
      map = b1 & 0x1f;
      if (!next(b2)) return false;
    }
    if (!next(op)) return false;
    const std::uint8_t pp = (first == 0xc4 ? b2 : b1) & 3;  // none, 66, F3, F2
    switch (map) {
      case 1:
        if (op == 0x77) return true;  // VZEROUPPER, VZEROALL
        // Without a prefix, 74/75/84/85 are Knights Corner's JKZD/JKNZD
        // (rel8/rel32), #UD on every other CPU.
        if (pp == 0 && (op == 0x74 || op == 0x75 || op == 0x84 || op == 0x85)) return false;
        return modrm(m) && (!map1_has_imm8(op) || skip(1));
      case 2:
        return modrm(m);
      case 3:
        return modrm(m) && skip(1);
      case 7:
        return msr_immediate(b1, b2, op);
      default:
        return false;
    }
  }

  // VEX map 7 holds only the MSR immediate forms: `c4 e7 7a f6 c0+r imm32`
  // (WRMSRNS imm32, r64) and `c4 e7 7b f6 c0+r imm32` (RDMSR r64, imm32):
  // VEX.R clear, W0, vvvv 1111, L0, pp F3 or F2, f6 /0 with a register.
  bool msr_immediate(std::uint8_t b1, std::uint8_t b2, std::uint8_t op) {
    std::uint8_t m;
    if ((b1 & 0x80) == 0 || (b2 & 0xfc) != 0x78 || (b2 & 3) < 2 || op != 0xf6) return false;
    return modrm(m) && modrm_mod(m) == 3 && modrm_reg(m) == 0 && skip(4);
  }

  bool evex() {
    if (!vex_allowed()) return false;
    std::uint8_t p0, p1, p2, op, m;
    if (!next(p0) || !next(p1) || !next(p2) || !next(op)) return false;
    // Fixed bits outside APX (which this decoder does not know).
    if ((p0 & 0x08) != 0 || (p1 & 0x04) == 0) return false;
    switch (p0 & 7) {
      case 1:
        return modrm(m) && (!map1_has_imm8(op) || skip(1));
      case 3:
        return modrm(m) && skip(1);
      case 2:
      case 5:
      case 6:
        return modrm(m);
      default:
        return false;
    }
  }

  const std::uint8_t* p_;
  std::size_t end_;
  std::size_t pos_ = 0;
  bool operand_size_ = false;
  bool address_size_ = false;
  bool lock_ = false;
  std::uint8_t rep_ = 0;
  std::uint8_t rex_ = 0;
  InsnLayout layout_;
};

}  // namespace

bool decode_insn_layout(const std::uint8_t* p, std::size_t avail, InsnLayout& out) {
  return Decoder(p, avail).decode(out);
}

}  // namespace altpv
