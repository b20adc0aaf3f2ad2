// SPDX-License-Identifier: MIT
// `diff`: a "dump" made here by writing an alternative's rendered bytes into
// a copy of the fixture, as the VMM's --dump-text would after patching.
#include <gtest/gtest.h>

#include <vector>

#include "elf_edit.h"
#include "tool_runner.h"

namespace altpv::inspect::test {
namespace {

using nlohmann::json;

struct Patched {
  ElfEdit elf{FIXTURE_PIE};
  std::uint64_t address = 0;  // of the site

  explicit Patched(const std::string& function) {
    address = std::stoull(site_in(list_sites(FIXTURE_PIE), function)["address"].get<std::string>(),
                          nullptr, 16);
  }
  void write(const std::vector<std::uint8_t>& bytes) {
    std::copy(bytes.begin(), bytes.end(), elf.bytes().begin() + elf.file_offset(address));
  }
  ToolResult diff() { return run_tool({"diff", FIXTURE_PIE, elf.save("dump")}); }
};

// The lines diff printed for the site at `address`: its header and decoding.
std::string site_block(const std::string& out, std::uint64_t address) {
  char head[32];
  std::snprintf(head, sizeof head, " @%#lx ", static_cast<unsigned long>(address));
  const auto start = out.find(head);
  if (start == std::string::npos) return {};
  const auto end = out.find("\nsite ", start);
  return out.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

TEST(Diff, UnpatchedDumpHoldsOriginals) {
  const ToolResult r = run_tool({"diff", FIXTURE_PIE, FIXTURE_PIE});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("6 sites, 0 not identified"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("<fixture_wrmsr_ns+0x"), std::string::npos) << r.out;
}

TEST(Diff, BytesAlternativeWithNopFill) {
  Patched p("fixture_wrmsr_ns");
  p.write({0x0f, 0x01, 0xc6, 0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00});
  const ToolResult r = p.diff();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string block = site_block(r.out, p.address);
  EXPECT_NE(block.find(": alt 1 [wrmsrns] bytes\n"), std::string::npos) << r.out;
  EXPECT_NE(block.find("0f 01 c6"), std::string::npos) << block;
  EXPECT_NE(block.find(" wrmsrns\n"), std::string::npos) << block;
  EXPECT_NE(block.find("0f 1f 80 00 00 00 00           nop "), std::string::npos) << block;
}

TEST(Diff, ImmediateForm) {
  Patched p("fixture_wrmsr_ns_imm");
  p.write({0xc4, 0xe7, 0x7a, 0xf6, 0xc0, 0x48, 0x00, 0x00, 0x00});
  const ToolResult r = p.diff();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string block = site_block(r.out, p.address);
  EXPECT_NE(block.find(": alt 0 [msr_imm] bytes\n"), std::string::npos) << r.out;
  EXPECT_NE(block.find("wrmsrns $0x48, %rax"), std::string::npos) << block;
}

TEST(Diff, CallAlternativeShowsItsTarget) {
  Patched p("fixture_wrmsr_ns");
  // lea -128(%rsp),%rsp; call rel32 = 0x100: the target is site + 10 + 0x100.
  p.write({0x48, 0x8d, 0x64, 0x24, 0x80, 0xe8, 0x00, 0x01, 0x00, 0x00});
  const ToolResult r = p.diff();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  char want[64];
  std::snprintf(want, sizeof want, ": alt 0 [pv] call/rz -> %#lx\n",
                static_cast<unsigned long>(p.address + 10 + 0x100));
  EXPECT_NE(site_block(r.out, p.address).find(want), std::string::npos) << want << r.out;
}

TEST(Diff, CallAlternativeWithSetupBytes) {
  Patched p("fixture_wrmsr_call_setup");
  // mov $0x49,%ecx; lea -128(%rsp),%rsp; call rel32 = -0x20.
  p.write(
      {0xb9, 0x49, 0x00, 0x00, 0x00, 0x48, 0x8d, 0x64, 0x24, 0x80, 0xe8, 0xe0, 0xff, 0xff, 0xff});
  const ToolResult r = p.diff();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  char want[64];
  std::snprintf(want, sizeof want, ": alt 0 [pv] call/rz -> %#lx\n",
                static_cast<unsigned long>(p.address + 15 - 0x20));
  const std::string block = site_block(r.out, p.address);
  EXPECT_NE(block.find(want), std::string::npos) << want << r.out;
  EXPECT_NE(block.find("mov $0x49, %ecx"), std::string::npos) << block;
}

TEST(Diff, UnknownBytesFail) {
  Patched p("fixture_wrmsr_ns");
  p.write({0x0f, 0x01, 0xc6, 0x90});  // WRMSRNS with the wrong fill
  const ToolResult r = p.diff();
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(site_block(r.out, p.address).find("UNKNOWN bytes"), std::string::npos) << r.out;
}

TEST(Diff, DumpOfAnotherProgramIsRefused) {
  const ToolResult r = run_tool({"diff", FIXTURE_PIE, FIXTURE_SO});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(std::string(FIXTURE_SO) + ": not a dump of " + FIXTURE_PIE),
            std::string::npos)
      << r.err;
}

// A dump whose .text has no contents holds no site bytes to compare.
TEST(Diff, DumpWithNobitsTextIsRefused) {
  ElfEdit e(FIXTURE_PIE);
  e.put<Elf64_Word>(e.section_header_offset(".text") + offsetof(Elf64_Shdr, sh_type), SHT_NOBITS);
  const std::string dump = e.save("nobits");
  const ToolResult r = run_tool({"diff", FIXTURE_PIE, dump});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find(dump + ": not a dump of " + FIXTURE_PIE +
                       ": section .text has no contents (NOBITS) in the dump"),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

}  // namespace
}  // namespace altpv::inspect::test
