// SPDX-License-Identifier: MIT
// The engine's instruction-length decoder against Zydis: a generated corpus
// of the encodings Zydis accepts in every map the decoder knows (opcodes
// under prefixes and every ModRM/SIB/displacement form), the encodings the
// engine must know and Zydis 4.0 does not, and the forms it must refuse.
#include "engine/insn_decoder.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "x86_decoder.h"

namespace altpv::testing {
namespace {

using Bytes = std::vector<std::uint8_t>;

std::string hex(const Bytes& b) {
  std::string out;
  char buf[4];
  for (std::uint8_t v : b) {
    std::snprintf(buf, sizeof buf, "%02x ", v);
    out += buf;
  }
  if (!out.empty()) out.pop_back();
  return out;
}

// Decodes exactly `b` (a buffer of its size, so a read past it is a
// sanitizer error).
std::optional<InsnLayout> engine_decode(const Bytes& b) {
  const std::vector<std::uint8_t> exact(b);
  InsnLayout out;
  if (!decode_insn_layout(exact.data(), exact.size(), out)) return std::nullopt;
  return out;
}

RelativeField zydis_relative(const DecodedInsn& z) {
  if (z.rip_relative) return RelativeField::RipRelative;
  if (z.relative_size != 0) return RelativeField::Branch;
  return RelativeField::None;
}

// Empty when the engine agrees with Zydis on `insn` (exactly one
// instruction); otherwise what differs.
std::string compare(const Bytes& insn, const DecodedInsn& z) {
  const std::optional<InsnLayout> e = engine_decode(insn);
  if (!e) return "engine refuses";
  std::string diff;
  if (e->length != z.length) {
    diff += " length " + std::to_string(e->length) + " vs " + std::to_string(z.length);
  }
  if (e->relative != zydis_relative(z)) diff += " relative kind differs";
  if (e->relative != RelativeField::None &&
      (e->field_offset != z.relative_offset || e->field_size != z.relative_size)) {
    diff += " field at +" + std::to_string(e->field_offset) + "/" + std::to_string(e->field_size) +
            " vs +" + std::to_string(z.relative_offset) + "/" + std::to_string(z.relative_size);
  }
  return diff;
}

// Encodings Zydis decodes that the decoder refuses by design: the name of
// the class, or nullptr if the decoder should know it.
const char* refused_by_design(const Bytes& insn, const DecodedInsn& z) {
  std::size_t i = 0;
  bool operand_size = false, address_size = false;
  while (i < insn.size() &&
         (insn[i] == 0x66 || insn[i] == 0x67 || insn[i] == 0xf0 || insn[i] == 0xf2 ||
          insn[i] == 0xf3 || insn[i] == 0x2e || insn[i] == 0x3e || insn[i] == 0x26 ||
          insn[i] == 0x36 || insn[i] == 0x64 || insn[i] == 0x65 || (insn[i] & 0xf0) == 0x40)) {
    operand_size |= insn[i] == 0x66;
    address_size |= insn[i] == 0x67;
    ++i;
  }
  if (operand_size && zydis_relative(z) == RelativeField::Branch) {
    return "66-prefixed relative branch";
  }
  // EIP-relative, or MPX's RIP-relative with an ignored 67.
  if (address_size && (z.eip_relative || z.rip_relative)) return "67-prefixed RIP-relative operand";
  if (z.xop) return "XOP";
  if (z.mnemonic == "jkzd" || z.mnemonic == "jknzd") return "Knights Corner branch";
  return nullptr;
}

// ModRM, SIB and displacement forms after the opcode, for every ModRM.reg
// (opcode extensions select different instructions). Immediates come from
// the filler that follows.
std::vector<Bytes> modrm_forms(bool every_memory_form) {
  std::vector<Bytes> out;
  for (std::uint8_t reg = 0; reg < 8; ++reg) {
    const auto r = static_cast<std::uint8_t>(reg << 3);
    out.push_back({static_cast<std::uint8_t>(0xc0 | r)});        // register
    out.push_back({static_cast<std::uint8_t>(0xc7 | r)});        // another register
    out.push_back({static_cast<std::uint8_t>(0x05 | r)});        // RIP + disp32
    out.push_back({static_cast<std::uint8_t>(0x44 | r), 0x88});  // SIB + disp8
    if (!every_memory_form && reg != 0) continue;
    out.push_back({static_cast<std::uint8_t>(0x00 | r)});        // [rax]
    out.push_back({static_cast<std::uint8_t>(0x04 | r), 0x25});  // SIB, no base: disp32
    out.push_back({static_cast<std::uint8_t>(0x04 | r), 0x48});  // SIB, base + index
    out.push_back({static_cast<std::uint8_t>(0x41 | r)});        // disp8
    out.push_back({static_cast<std::uint8_t>(0x81 | r)});        // disp32
  }
  return out;
}

struct CorpusEntry {
  Bytes insn;  // exactly one instruction, as long as Zydis says
  DecodedInsn zydis;
  const char* map;
};

class Corpus {
 public:
  // Every `lead + form + filler` Zydis decodes, once per distinct instruction.
  void add(const char* map, const Bytes& lead, const std::vector<Bytes>& forms) {
    for (const Bytes& form : forms) {
      Bytes b = lead;
      b.insert(b.end(), form.begin(), form.end());
      // Distinct filler bytes make displacements and immediates distinct.
      for (std::uint8_t v = 0x11; b.size() < kMaxInsnLength; v += 0x11) b.push_back(v);
      b.resize(kMaxInsnLength);
      const std::optional<DecodedInsn> z = decode_insn(b.data(), b.size());
      if (!z) continue;
      b.resize(z->length);
      if (seen_.insert(b).second) entries_.push_back({b, *z, map});
    }
  }
  const std::vector<CorpusEntry>& entries() const { return entries_; }

 private:
  std::set<Bytes> seen_;
  std::vector<CorpusEntry> entries_;
};

Bytes concat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

Corpus generate_corpus() {
  Corpus c;
  const std::vector<Bytes> all_forms = modrm_forms(true);
  const std::vector<Bytes> some_forms = modrm_forms(false);
  // Prefixes that change operand layout (66, 67, REX.W), select SSE
  // opcodes (66, F2, F3), or only ride along; a REX before a legacy prefix
  // does not count.
  const std::vector<Bytes> legacy_prefixes = {
      {},           {0x66},       {0x67},       {0xf2},       {0xf3},       {0xf0},
      {0x2e},       {0x65},       {0x40},       {0x41},       {0x44},       {0x48},
      {0x4f},       {0x66, 0x48}, {0x48, 0x66}, {0x67, 0x48}, {0xf3, 0x48}, {0xf2, 0x48},
      {0x66, 0xf2}, {0x66, 0xf3}, {0x66, 0x67}, {0xf0, 0x66},
  };
  for (const Bytes& p : legacy_prefixes) {
    for (unsigned op = 0; op < 256; ++op) {
      const auto o = static_cast<std::uint8_t>(op);
      c.add("one-byte", concat(p, {o}), all_forms);
      c.add("0f", concat(p, {0x0f, o}), all_forms);
      c.add("0f 38", concat(p, {0x0f, 0x38, o}), some_forms);
      c.add("0f 3a", concat(p, {0x0f, 0x3a, o}), some_forms);
    }
    // 3DNow!: the opcode is the last byte, after ModRM and displacement.
    for (const Bytes& form : some_forms) {
      for (unsigned suffix = 0; suffix < 256; suffix += 0x11) {
        c.add("3DNow!", concat(concat(p, {0x0f, 0x0f}), form),
              {{static_cast<std::uint8_t>(suffix)}});
      }
    }
  }
  // VEX: 2-byte (map 1) and 3-byte (maps 1-3 and map 7) with every L and pp.
  for (unsigned l_pp = 0; l_pp < 8; ++l_pp) {
    for (unsigned op = 0; op < 256; ++op) {
      const auto o = static_cast<std::uint8_t>(op);
      c.add("VEX", {0xc5, static_cast<std::uint8_t>(0xf8 | l_pp), o}, some_forms);
      c.add("VEX", {0xc5, static_cast<std::uint8_t>(0x70 | l_pp), o}, some_forms);  // R, vvvv
      for (std::uint8_t map : {1, 2, 3, 7}) {
        for (std::uint8_t w : {0x00, 0x80}) {
          const auto b1 = static_cast<std::uint8_t>(0xe0 | map);
          c.add("VEX", {0xc4, b1, static_cast<std::uint8_t>(w | 0x78 | l_pp), o}, some_forms);
        }
      }
    }
  }
  // EVEX maps 1-3, 5 and 6; W, pp, vector length and embedded broadcast.
  for (std::uint8_t map : {1, 2, 3, 5, 6}) {
    for (unsigned w_pp = 0; w_pp < 8; ++w_pp) {
      const auto p1 = static_cast<std::uint8_t>((w_pp & 4) << 5 | 0x7c | (w_pp & 3));
      for (std::uint8_t p2 : {0x08, 0x28, 0x48, 0x18}) {
        for (unsigned op = 0; op < 256; ++op) {
          c.add(
              "EVEX",
              {0x62, static_cast<std::uint8_t>(0xf0 | map), p1, p2, static_cast<std::uint8_t>(op)},
              some_forms);
        }
      }
    }
  }
  return c;
}

const Corpus& corpus() {
  static const Corpus c = generate_corpus();
  return c;
}

TEST(InsnDecoder, AgreesWithZydisOnTheGeneratedCorpus) {
  std::vector<std::string> mismatches;
  std::size_t agreed = 0, relative = 0;
  std::map<std::string, std::size_t> refused, per_map;
  for (const CorpusEntry& e : corpus().entries()) {
    if (const char* why = refused_by_design(e.insn, e.zydis)) {
      EXPECT_FALSE(engine_decode(e.insn)) << why << ": " << hex(e.insn);
      ++refused[why];
      continue;
    }
    const std::string diff = compare(e.insn, e.zydis);
    if (diff.empty()) {
      ++agreed;
      ++per_map[e.map];
      relative += zydis_relative(e.zydis) != RelativeField::None;
    } else {
      mismatches.push_back(hex(e.insn) + " (" + e.zydis.mnemonic + "):" + diff);
    }
  }
  std::printf("%zu encodings Zydis decodes: %zu agree (%zu with a relative field)\n",
              corpus().entries().size(), agreed, relative);
  for (const auto& [map, n] : per_map) std::printf("  %s: %zu agree\n", map.c_str(), n);
  for (const auto& [why, n] : refused) std::printf("  refused by design: %zu %s\n", n, why.c_str());
  EXPECT_TRUE(mismatches.empty()) << mismatches.size() << " mismatches, e.g.:\n"
                                  <<
      [&] {
        std::string s;
        for (std::size_t i = 0; i < mismatches.size() && i < 400; ++i) s += mismatches[i] + "\n";
        return s;
      }();
  EXPECT_GT(relative, 0u);
}

// Cut short anywhere, an instruction is not an instruction: the decoder
// never reads past what it was given (the exact-size buffers make a read
// past the end an ASan error).
TEST(InsnDecoder, RefusesEveryTruncatedInstruction) {
  std::size_t accepted = 0;
  for (const CorpusEntry& e : corpus().entries()) {
    for (std::size_t n = 0; n < e.insn.size(); ++n) {
      const Bytes cut(e.insn.begin(), e.insn.begin() + static_cast<std::ptrdiff_t>(n));
      if (engine_decode(cut)) {
        ADD_FAILURE() << hex(e.insn) << " accepted cut to " << n << " bytes";
        if (++accepted == 20) return;
      }
    }
  }
}

struct Known {
  const char* what;
  Bytes insn;
  RelativeField relative;
  std::uint8_t field_offset;
  std::uint8_t field_size;
};

// What altpv's own alternatives hold and what relocation must find, by name.
// Zydis checks each one (the instruction and its relative field).
const Known kKnown[] = {
    {"serialize", {0x0f, 0x01, 0xe8}, RelativeField::None, 0, 0},
    {"rdpid %rcx", {0xf3, 0x0f, 0xc7, 0xf9}, RelativeField::None, 0, 0},
    {"rdtscp", {0x0f, 0x01, 0xf9}, RelativeField::None, 0, 0},
    {"rdfsbase %rax", {0xf3, 0x48, 0x0f, 0xae, 0xc0}, RelativeField::None, 0, 0},
    {"cs wrmsr", {0x2e, 0x0f, 0x30}, RelativeField::None, 0, 0},
    {"lsl %ecx,%ecx", {0x0f, 0x03, 0xc9}, RelativeField::None, 0, 0},
    {"call rel32", {0xe8, 1, 2, 3, 4}, RelativeField::Branch, 1, 4},
    {"jmp rel32", {0xe9, 1, 2, 3, 4}, RelativeField::Branch, 1, 4},
    {"jmp rel8", {0xeb, 0x10}, RelativeField::Branch, 1, 1},
    {"je rel8", {0x74, 0x10}, RelativeField::Branch, 1, 1},
    {"jne rel32", {0x0f, 0x85, 1, 2, 3, 4}, RelativeField::Branch, 2, 4},
    {"bnd jmp rel32", {0xf2, 0xe9, 1, 2, 3, 4}, RelativeField::Branch, 2, 4},
    {"loop rel8", {0xe2, 0xfe}, RelativeField::Branch, 1, 1},
    {"jrcxz rel8", {0xe3, 0x05}, RelativeField::Branch, 1, 1},
    {"jecxz rel8", {0x67, 0xe3, 0x05}, RelativeField::Branch, 2, 1},
    {"xbegin rel32", {0xc7, 0xf8, 1, 2, 3, 4}, RelativeField::Branch, 2, 4},
    {"lea disp(%rip),%rax", {0x48, 0x8d, 0x05, 1, 2, 3, 4}, RelativeField::RipRelative, 3, 4},
    {"call *disp(%rip)", {0xff, 0x15, 1, 2, 3, 4}, RelativeField::RipRelative, 2, 4},
    {"movl $imm32,disp(%rip)",
     {0xc7, 0x05, 1, 2, 3, 4, 5, 6, 7, 8},
     RelativeField::RipRelative,
     2,
     4},
    {"testb $imm8,disp(%rip)", {0xf6, 0x05, 1, 2, 3, 4, 5}, RelativeField::RipRelative, 2, 4},
    {"testw $imm16,disp(%rip)",
     {0x66, 0xf7, 0x05, 1, 2, 3, 4, 5, 6},
     RelativeField::RipRelative,
     3,
     4},
    {"vbroadcastss disp(%rip),%xmm0",
     {0xc4, 0xe2, 0x79, 0x18, 0x05, 1, 2, 3, 4},
     RelativeField::RipRelative,
     5,
     4},
    {"vmovaps disp(%rip),%zmm0",
     {0x62, 0xf1, 0x7c, 0x48, 0x28, 0x05, 1, 2, 3, 4},
     RelativeField::RipRelative,
     6,
     4},
    {"movabs moffs64,%eax", {0xa1, 1, 2, 3, 4, 5, 6, 7, 8}, RelativeField::None, 0, 0},
    {"addr32 mov moffs32,%eax", {0x67, 0xa1, 1, 2, 3, 4}, RelativeField::None, 0, 0},
    {"movabs $imm64,%rax", {0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8}, RelativeField::None, 0, 0},
    {"mov $imm16,%ax", {0x66, 0xb8, 1, 2}, RelativeField::None, 0, 0},
    {"enter $imm16,$imm8", {0xc8, 0x10, 0x00, 0x01}, RelativeField::None, 0, 0},
    {"mov %cr0,%rax (mod ignored)", {0x0f, 0x20, 0x00}, RelativeField::None, 0, 0},
    {"endbr64", {0xf3, 0x0f, 0x1e, 0xfa}, RelativeField::None, 0, 0},
};

TEST(InsnDecoder, DecodesTheNamedInstructionsAsZydisDoes) {
  for (const Known& k : kKnown) {
    SCOPED_TRACE(k.what);
    const std::optional<DecodedInsn> z = decode_insn(k.insn.data(), k.insn.size());
    ASSERT_TRUE(z);
    EXPECT_EQ(z->length, k.insn.size());
    EXPECT_EQ(compare(k.insn, *z), "");
    const std::optional<InsnLayout> e = engine_decode(k.insn);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->relative, k.relative);
    EXPECT_EQ(e->field_offset, k.field_offset);
    EXPECT_EQ(e->field_size, k.field_size);
  }
}

// Zydis 4.0 knows neither WRMSRNS nor the MSR immediate forms; their
// lengths are the SDM's: 0f 01 c6, and c4 e7 7a|7b f6 c0+r imm32.
TEST(InsnDecoder, DecodesTheMsrEncodingsZydisDoesNotKnow) {
  const Bytes known[] = {
      {0x0f, 0x01, 0xc6},                                      // wrmsrns
      {0xc4, 0xe7, 0x7a, 0xf6, 0xc0, 0x48, 0x00, 0x00, 0x00},  // wrmsrns $0x48, %rax
      {0xc4, 0xe7, 0x7b, 0xf6, 0xc2, 0x10, 0x00, 0x00, 0xc0},  // rdmsr $0xc0000010, %rdx
      {0xc4, 0xc7, 0x7a, 0xf6, 0xc7, 0x48, 0x00, 0x00, 0x00},  // wrmsrns $0x48, %r15
  };
  for (const Bytes& b : known) {
    const std::optional<InsnLayout> e = engine_decode(b);
    ASSERT_TRUE(e) << hex(b);
    EXPECT_EQ(e->length, b.size()) << hex(b);
    EXPECT_EQ(e->relative, RelativeField::None) << hex(b);
  }
  // Anything else in VEX map 7 is unknown, not guessed at.
  const Bytes unknown[] = {
      {0xc4, 0xe7, 0x7a, 0xf6, 0xc8, 0x48, 0x00, 0x00, 0x00},  // /1
      {0xc4, 0xe7, 0x7a, 0xf6, 0x00, 0x48, 0x00, 0x00, 0x00},  // memory operand
      {0xc4, 0xe7, 0x78, 0xf6, 0xc0, 0x48, 0x00, 0x00, 0x00},  // no pp
      {0xc4, 0xe7, 0xfa, 0xf6, 0xc0, 0x48, 0x00, 0x00, 0x00},  // W1
      {0xc4, 0xe7, 0x7a, 0xf7, 0xc0, 0x48, 0x00, 0x00, 0x00},  // opcode f7
  };
  for (const Bytes& b : unknown) EXPECT_FALSE(engine_decode(b)) << hex(b);
}

// Refused although Zydis decodes them: their relocation has no single
// meaning, or the decoder does not know the encoding.
TEST(InsnDecoder, RefusesFormsWithoutASingleMeaning) {
  const struct {
    const char* why;
    Bytes insn;
  } cases[] = {
      {"66 call: rel16 on AMD, rel32 on Intel", {0x66, 0xe8, 1, 2, 3, 4}},
      {"66 jmp rel8: truncates RIP on AMD", {0x66, 0xeb, 0x10}},
      {"66 jcc rel32", {0x66, 0x0f, 0x84, 1, 2, 3, 4}},
      {"66 xbegin", {0x66, 0xc7, 0xf8, 1, 2}},
      {"EIP-relative", {0x67, 0x8b, 0x05, 1, 2, 3, 4}},
      {"MPX ignores 67", {0x66, 0x67, 0x0f, 0x1a, 0x05, 1, 2, 3, 4}},
      {"XOP", {0x8f, 0xe8, 0x78, 0xc0, 0xc0, 0x01}},
      {"Knights Corner jkzd", {0xc5, 0xf8, 0x84, 1, 2, 3, 4}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.why);
    const std::optional<DecodedInsn> z = decode_insn(c.insn.data(), c.insn.size());
    ASSERT_TRUE(z) << "Zydis should decode " << hex(c.insn);
    EXPECT_EQ(z->length, c.insn.size());
    EXPECT_NE(refused_by_design(c.insn, *z), nullptr);
    EXPECT_FALSE(engine_decode(c.insn));
  }
}

TEST(InsnDecoder, RefusesWhatNoCpuDecodes) {
  const Bytes cases[] = {
      {},
      {0x0f},
      {0x06},                    // push %es: invalid in 64-bit mode
      {0x48, 0xc5, 0xf8, 0x77},  // REX before VEX
      {0x66, 0xc5, 0xf8, 0x77},  // 66 before VEX
      // 15 prefixes leave no room for the opcode.
      Bytes(15, 0x2e),
  };
  for (const Bytes& b : cases) EXPECT_FALSE(engine_decode(b)) << hex(b);
  EXPECT_FALSE(engine_decode(concat(Bytes(15, 0x2e), {0x90})));
  EXPECT_TRUE(engine_decode(concat(Bytes(14, 0x2e), {0x90})));
}

}  // namespace
}  // namespace altpv::testing
