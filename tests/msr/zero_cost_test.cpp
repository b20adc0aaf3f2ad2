// SPDX-License-Identifier: MIT
// The native path costs nothing: each altpv MSR call compiles to exactly the
// instructions, mnemonics and operands, of the same instruction written by
// hand as inline asm (reference_functions.cpp), plus only the padding NOPs
// that site.h documents at the end of the site: Intel-recommended forms of
// at most 9 bytes. The native MSR instruction must be there, inline; no call
// or jump may be. Decoded with altpv-inspect's disassembler (Zydis, plus its
// table of the MSR encodings Zydis 4.0 lacks) from a shared object built at
// a fixed -O2, so the result does not depend on the build type.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "altpv/engine/nop_fill.h"
#include "disassembler.h"
#include "inspect_error.h"
#include "inspected_file.h"

namespace {

using altpv::inspect::InspectedFile;
using altpv::inspect::Instruction;

// Longest NOP the site macros pad with (`.nops N, 9`).
constexpr std::size_t kMaxPaddingNop = 9;

struct Function {
  std::string name;
  std::uint64_t address = 0;
  std::uint64_t size = 0;
  std::vector<Instruction> code;  // all of it; offsets from `address`
};

struct Site {
  std::uint64_t begin = 0;  // offsets from the function's address
  std::uint64_t end = 0;
};

const InspectedFile& reference_library() {
  static const InspectedFile f(ALTPV_REFERENCE_LIBRARY);
  return f;
}

// The function `name`, decoded whole; nullopt (with a test failure) if it is
// missing or does not decode.
std::optional<Function> load(const std::string& name) {
  const InspectedFile& f = reference_library();
  const auto& symbols = f.symbols.symbols();
  const auto sym =
      std::find_if(symbols.begin(), symbols.end(), [&](const auto& s) { return s.name == name; });
  if (sym == symbols.end()) {
    ADD_FAILURE() << name << " not found in " << ALTPV_REFERENCE_LIBRARY;
    return std::nullopt;
  }
  const auto bytes = f.image.bytes_at(sym->address, sym->size);
  if (!bytes) {
    ADD_FAILURE() << name << ": its bytes are not in an allocated section";
    return std::nullopt;
  }
  auto d = altpv::inspect::disassemble(*bytes, sym->address);
  if (!d.complete()) {
    ADD_FAILURE() << name << ": " << d.error;
    return std::nullopt;
  }
  return Function{name, sym->address, sym->size, std::move(d.instructions)};
}

// The sites whose first byte lies in `fn`.
std::vector<Site> sites_in(const Function& fn) {
  const InspectedFile& f = reference_library();
  std::vector<Site> out;
  for (std::size_t i = 0; i < f.image.table().size(); ++i) {
    const std::uint64_t at = f.site_address(i);
    if (at >= fn.address && at - fn.address < fn.size) {
      const std::uint64_t begin = at - fn.address;
      out.push_back({begin, begin + f.image.table().sites_begin[i].len});
    }
  }
  return out;
}

// The mnemonic, after any prefixes ("cs wrmsr" -> "wrmsr").
std::string mnemonic(const std::string& text) {
  static const std::set<std::string> kPrefixes = {"cs",    "ds",     "es",     "fs",  "gs",
                                                  "ss",    "data16", "lock",   "rep", "repe",
                                                  "repne", "bnd",    "notrack"};
  std::istringstream in(text);
  std::string word;
  while (in >> word && kPrefixes.count(word)) {
  }
  return word;
}

bool transfers_control(const Instruction& insn) {
  const std::string m = mnemonic(insn.text);
  return m.starts_with("call") || m.starts_with("j") || m.starts_with("loop") ||
         m.starts_with("ret") || m.starts_with("int") || m.starts_with("ud") ||
         m.starts_with("sys") || m.starts_with("iret");
}

bool is_recommended_nop(const Instruction& insn) {
  if (insn.bytes.empty() || insn.bytes.size() > kMaxPaddingNop) return false;
  std::uint8_t nop[kMaxPaddingNop];
  altpv::fill_nops(nop, insn.bytes.size());
  return std::equal(insn.bytes.begin(), insn.bytes.end(), nop);
}

// "+0x0c"
std::string offset_of(const Instruction& insn) {
  char text[24];
  std::snprintf(text, sizeof text, "+0x%02zx", insn.offset);
  return text;
}

std::string where(const Function& fn, const Instruction& insn) {
  return fn.name + offset_of(insn);
}

std::string show(const Function& fn) {
  std::string s = fn.name + ":\n";
  for (const Instruction& i : fn.code) s += "    " + offset_of(i) + "  " + i.text + "\n";
  return s;
}

struct Op {
  const char* name;    // ref_altpv_<name> and ref_hand_<name>
  const char* native;  // the MSR instruction, as disassembled
};

void PrintTo(const Op& op, std::ostream* os) {
  *os << op.name;
}

class ZeroCost : public ::testing::TestWithParam<Op> {
 protected:
  void SetUp() override {
    try {
      reference_library();
    } catch (const altpv::inspect::InspectError& e) {
      FAIL() << e.what();
    }
    altpv_ = load(std::string("ref_altpv_") + GetParam().name);
    hand_ = load(std::string("ref_hand_") + GetParam().name);
    ASSERT_TRUE(altpv_ && hand_);
    both_ = show(*altpv_) + show(*hand_);
  }

  // The instruction indices of `fn` that are padding at the end of one of
  // its sites; a failure when the sites are not exactly one.
  std::set<std::size_t> trailing_padding(const Function& fn) {
    std::set<std::size_t> padding;
    const std::vector<Site> sites = sites_in(fn);
    EXPECT_EQ(sites.size(), 1u) << fn.name << " should hold exactly one altpv site\n" << both_;
    for (const Site& site : sites) {
      // The instruction that ends the site, then back while they are NOPs.
      auto last = std::find_if(fn.code.begin(), fn.code.end(), [&](const Instruction& i) {
        return i.offset + i.bytes.size() == site.end;
      });
      EXPECT_NE(last, fn.code.end())
          << "no instruction ends where the site does (+" << site.end << ")\n"
          << both_;
      for (auto i = last; i != fn.code.end() && i->offset >= site.begin && i->nop;) {
        padding.insert(static_cast<std::size_t>(i - fn.code.begin()));
        if (i == fn.code.begin()) break;
        --i;
      }
    }
    return padding;
  }

  std::optional<Function> altpv_, hand_;
  std::string both_;  // both listings, for failure messages
};

// A function that merely calls a PV routine, or that is empty, has no MSR
// instruction; one that jumps or calls out is not inline.
TEST_P(ZeroCost, NativeInstructionInlineWithoutCallOrJump) {
  for (const Function* fn : {&*hand_, &*altpv_}) {
    ASSERT_FALSE(fn->code.empty()) << both_;
    EXPECT_EQ(fn->code.back().text, "ret") << fn->name << " should end in ret\n" << both_;
    const auto native = std::count_if(fn->code.begin(), fn->code.end(), [](const Instruction& i) {
      return i.text == GetParam().native;
    });
    EXPECT_EQ(native, 1) << fn->name << " should hold `" << GetParam().native << "` once\n"
                         << both_;
    for (std::size_t i = 0; i + 1 < fn->code.size(); ++i) {
      EXPECT_FALSE(transfers_control(fn->code[i]))
          << where(*fn, fn->code[i]) << ": `" << fn->code[i].text << "` leaves the inline path\n"
          << both_;
    }
  }
}

// NOPs only where site.h puts them: at the end of the site, in the
// recommended forms. The hand-written function has no site and no NOP.
TEST_P(ZeroCost, OnlyRecommendedNopsAtTheSiteEnd) {
  const std::set<std::size_t> padding = trailing_padding(*altpv_);
  for (std::size_t i = 0; i < altpv_->code.size(); ++i) {
    const Instruction& insn = altpv_->code[i];
    if (padding.count(i)) {
      EXPECT_TRUE(is_recommended_nop(insn))
          << where(*altpv_, insn) << ": `" << insn.text << "` ("
          << altpv::inspect::hex_bytes(insn.bytes) << ") is not a recommended NOP\n"
          << both_;
    } else {
      EXPECT_FALSE(insn.nop) << where(*altpv_, insn) << ": `" << insn.text
                             << "` is a NOP outside the padding at the end of the site\n"
                             << both_;
    }
  }
  for (const Instruction& insn : hand_->code) EXPECT_FALSE(insn.nop) << both_;
  EXPECT_TRUE(sites_in(*hand_).empty()) << both_;
}

// The same instructions, in the same order, with the same operands: no
// register moved, spilled or reloaded for altpv's sake.
TEST_P(ZeroCost, SameInstructionsAsHandWrittenAsm) {
  const std::set<std::size_t> padding = trailing_padding(*altpv_);
  std::vector<std::string> altpv, hand;
  for (std::size_t i = 0; i < altpv_->code.size(); ++i) {
    if (!padding.count(i)) altpv.push_back(altpv_->code[i].text);
  }
  for (const Instruction& insn : hand_->code) hand.push_back(insn.text);
  EXPECT_EQ(altpv, hand) << "altpv (padding aside) and hand-written asm differ\n" << both_;
  std::printf("%s", both_.c_str());
}

INSTANTIATE_TEST_SUITE_P(MsrOps, ZeroCost,
                         ::testing::Values(Op{"wrmsr_ns_const", "cs wrmsr"},
                                           Op{"wrmsr_const", "wrmsr"},
                                           Op{"wrmsr_ns_var", "cs wrmsr"}, Op{"wrmsr_var", "wrmsr"},
                                           Op{"rdmsr_const", "rdmsr"}, Op{"rdmsr_var", "rdmsr"}),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
