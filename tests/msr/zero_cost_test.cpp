// SPDX-License-Identifier: MIT
// The native path costs nothing: each reference function using the altpv
// API compiles to no more instructions, and touches no more registers, than
// the hand-written inline asm of the same instruction (NOP padding aside).
// Read from objdump's disassembly of the compiled reference object.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

using Listing = std::vector<std::string>;  // "mnemonic operands", NOPs removed

std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
  pclose(p);
  return out;
}

bool is_padding(const std::string& insn) {
  return insn.find("nop") != std::string::npos || insn.rfind("xchg   %ax,%ax", 0) == 0 ||
         insn == "int3";
}

// Every function in the object, up to and including its last ret.
std::map<std::string, Listing> disassemble(const std::string& object) {
  std::map<std::string, Listing> fns;
  std::istringstream in(run("objdump -d --no-show-raw-insn " + object));
  const std::regex header(R"(^[0-9a-f]+ <([A-Za-z0-9_]+)>:$)");
  const std::regex insn(R"(^\s+[0-9a-f]+:\s+(.*\S)\s*$)");
  Listing* cur = nullptr;
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_match(line, m, header)) {
      cur = &fns[m[1]];
    } else if (cur != nullptr && std::regex_match(line, m, insn) && !is_padding(m[1])) {
      cur->push_back(m[1]);
    }
  }
  for (auto& [name, listing] : fns) {
    while (!listing.empty() && listing.back().rfind("ret", 0) != 0) listing.pop_back();
  }
  return fns;
}

// 64-bit family of every register named in the listing (%edx -> rdx).
std::set<std::string> registers(const Listing& listing) {
  static const std::map<std::string, std::string> kLegacy = {
      {"eax", "rax"}, {"ax", "rax"},  {"al", "rax"},  {"ebx", "rbx"}, {"bx", "rbx"},
      {"bl", "rbx"},  {"ecx", "rcx"}, {"cx", "rcx"},  {"cl", "rcx"},  {"edx", "rdx"},
      {"dx", "rdx"},  {"dl", "rdx"},  {"esi", "rsi"}, {"si", "rsi"},  {"sil", "rsi"},
      {"edi", "rdi"}, {"di", "rdi"},  {"dil", "rdi"}, {"ebp", "rbp"}, {"esp", "rsp"}};
  std::set<std::string> out;
  const std::regex reg(R"(%([a-z0-9]+))");
  for (const std::string& insn : listing) {
    for (std::sregex_iterator it(insn.begin(), insn.end(), reg), end; it != end; ++it) {
      std::string r = (*it)[1];
      if (auto l = kLegacy.find(r); l != kLegacy.end()) r = l->second;
      if (r.size() > 2 && r[0] == 'r' && std::isdigit(r[1])) {
        r.erase(r.find_first_not_of("r0123456789"));  // r8d, r10w -> r8, r10
      }
      out.insert(r);
    }
  }
  return out;
}

std::string show(const Listing& l) {
  std::string s;
  for (const auto& i : l) s += "    " + i + "\n";
  return s;
}

class ZeroCost : public ::testing::TestWithParam<const char*> {
 protected:
  static void SetUpTestSuite() { fns_ = disassemble(ALTPV_REFERENCE_OBJECT); }
  static std::map<std::string, Listing> fns_;
};
std::map<std::string, Listing> ZeroCost::fns_;

TEST_P(ZeroCost, AltpvIsNoLongerAndTouchesNoMoreRegisters) {
  const std::string op = GetParam();
  ASSERT_TRUE(fns_.count("ref_altpv_" + op) && fns_.count("ref_hand_" + op))
      << "reference functions for " << op << " not found in " << ALTPV_REFERENCE_OBJECT;
  const Listing& altpv = fns_["ref_altpv_" + op];
  const Listing& hand = fns_["ref_hand_" + op];
  const std::string both = "altpv:\n" + show(altpv) + "hand-written:\n" + show(hand);
  ASSERT_FALSE(altpv.empty()) << both;
  EXPECT_LE(altpv.size(), hand.size()) << both;
  for (const std::string& r : registers(altpv)) {
    EXPECT_TRUE(registers(hand).count(r))
        << "altpv touches %" << r << " and hand-written asm does not\n"
        << both;
  }
  std::printf("%s", both.c_str());
}

INSTANTIATE_TEST_SUITE_P(MsrOps, ZeroCost,
                         ::testing::Values("wrmsr_ns_const", "wrmsr_ns_var", "wrmsr_var",
                                           "rdmsr_const", "rdmsr_var"));

}  // namespace
