// SPDX-License-Identifier: MIT
// Malformed input: a clear message naming the problem, a non-zero exit, and
// never a crash (exit_code -1 would be a signal).
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>

#include "elf_edit.h"
#include "site_records_edit.h"
#include "tool_runner.h"

namespace altpv::inspect::test {
namespace {

// Every subcommand on `path` exits `code` with `message` on stderr.
void expect_error(const std::string& path, const std::string& message, int code = 2) {
  const std::vector<std::vector<std::string>> commands = {
      {"list", path}, {"plan", path, "--features", "wrmsrns"}, {"check", path}};
  for (const auto& args : commands) {
    const ToolResult r = run_tool(args);
    EXPECT_EQ(r.exit_code, code) << args[0] << ": " << r.out << r.err;
    EXPECT_NE(r.err.find("altpv-inspect: " + path + ": " + message), std::string::npos)
        << args[0] << " stderr: " << r.err;
  }
}

std::string edited(const std::string& name, const std::function<void(ElfEdit&)>& edit) {
  ElfEdit e(FIXTURE_PIE);
  edit(e);
  return e.save(name);
}

TEST(Malformed, NotElf) {
  expect_error(edited("text", [](ElfEdit& e) { e.bytes().assign(100, 'x'); }), "not an ELF file");
  expect_error(edited("empty", [](ElfEdit& e) { e.bytes().clear(); }), "not an ELF file");
}

TEST(Malformed, MissingFile) {
  expect_error(scratch_path("absent"), "cannot open");
}

TEST(Malformed, Directory) {
  expect_error(SCRATCH_DIR, "is a directory, not an ELF file");
  const ToolResult r = run_tool({"diff", FIXTURE_PIE, SCRATCH_DIR});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(std::string(SCRATCH_DIR) + ": is a directory"), std::string::npos) << r.err;
}

TEST(Malformed, NotARegularFile) {
  expect_error("/dev/null", "not a regular file");
}

TEST(Malformed, TruncatedHeader) {
  expect_error(edited("short", [](ElfEdit& e) { e.bytes().resize(40); }), "truncated ELF header");
}

TEST(Malformed, TruncatedFile) {
  expect_error(edited("half", [](ElfEdit& e) { e.bytes().resize(e.bytes().size() / 2); }),
               "section header table outside the file");
}

TEST(Malformed, WrongClass) {
  expect_error(edited("elf32", [](ElfEdit& e) { e.bytes()[EI_CLASS] = ELFCLASS32; }),
               "not an ELF64 file");
}

TEST(Malformed, WrongMachine) {
  expect_error(
      edited("arm",
             [](ElfEdit& e) { e.put<Elf64_Half>(offsetof(Elf64_Ehdr, e_machine), EM_AARCH64); }),
      "not an x86-64 file (e_machine 183)");
}

TEST(Malformed, RelocatableObject) {
  expect_error(
      edited("rel", [](ElfEdit& e) { e.put<Elf64_Half>(offsetof(Elf64_Ehdr, e_type), ET_REL); }),
      "relocatable object files are not supported");
}

TEST(Malformed, SectionOutsideFile) {
  expect_error(edited("far",
                      [](ElfEdit& e) {
                        const auto at = e.section_header_offset("altpv_repl");
                        e.put<Elf64_Off>(at + offsetof(Elf64_Shdr, sh_offset),
                                         e.bytes().size() - 2);
                      }),
               "section altpv_repl: bytes [");
}

TEST(Malformed, SitesSizeNotWholeRecords) {
  expect_error(edited("sites25",
                      [](ElfEdit& e) {
                        const auto at = e.section_header_offset("altpv_sites");
                        e.put<Elf64_Xword>(at + offsetof(Elf64_Shdr, sh_size), 25);
                      }),
               "section altpv_sites: size 25 not a multiple of 24");
}

TEST(Malformed, AltsSizeNotWholeRecords) {
  expect_error(edited("alts",
                      [](ElfEdit& e) {
                        const auto at = e.section_header_offset("altpv_alts");
                        e.put<Elf64_Xword>(at + offsetof(Elf64_Shdr, sh_size), 20);
                      }),
               "section altpv_alts: size 20 not a multiple of 8");
}

TEST(Malformed, SitesWithoutContents) {
  expect_error(edited("nobits",
                      [](ElfEdit& e) {
                        const auto at = e.section_header_offset("altpv_sites");
                        e.put<Elf64_Word>(at + offsetof(Elf64_Shdr, sh_type), SHT_NOBITS);
                      }),
               "section altpv_sites: has no contents (NOBITS)");
}

// Broken records are the engine's refusals: the site is named, exit 1.
void expect_bad_record(const std::string& path, const std::string& refusal) {
  for (const char* command : {"list", "check"}) {
    const ToolResult r = run_tool({command, path});
    EXPECT_EQ(r.exit_code, 1) << command << ": " << r.out << r.err;
    EXPECT_NE(r.out.find("site 0 @"), std::string::npos) << command << ": " << r.out;
    EXPECT_NE(r.out.find(refusal), std::string::npos) << command << ": " << r.out;
  }
  const ToolResult plan = run_tool({"plan", path, "--features", ""});
  EXPECT_EQ(plan.exit_code, 1) << plan.out << plan.err;
  EXPECT_NE(plan.out.find("REFUSED: " + refusal), std::string::npos) << plan.out;
}

TEST(Malformed, AltRecordsOutOfRange) {
  expect_bad_record(edited("alts-range",
                           [](ElfEdit& e) {
                             point_record(e, 0, kAltsField,
                                          e.section("altpv_alts").sh_addr + 0x100000);
                           }),
                    "alternative records outside altpv_alts");
}

TEST(Malformed, SiteOutsideText) {
  expect_bad_record(
      edited("site-range",
             [](ElfEdit& e) { point_record(e, 0, kSiteField, e.section("altpv_repl").sh_addr); }),
      "site outside the text range");
}

// docs/site-format.md: the reserved bytes are zero and flags has one bit.
TEST(Malformed, ReservedBytesAndUndefinedFlagsAreRefused) {
  const std::string refusal = "reserved bytes or undefined flag bits set in the record";
  const Elf64_Shdr sites = ElfEdit(FIXTURE_PIE).section("altpv_sites");
  for (std::size_t at = offsetof(SiteRecord, reserved); at < sizeof(SiteRecord); ++at) {
    SCOPED_TRACE(at);
    expect_bad_record(edited("reserved" + std::to_string(at),
                             [&](ElfEdit& e) { e.bytes()[sites.sh_offset + at] = 0x01; }),
                      refusal);
  }
  expect_bad_record(
      edited("flags",
             [&](ElfEdit& e) { e.bytes()[sites.sh_offset + offsetof(SiteRecord, flags)] |= 0x80; }),
      refusal);
}

// Symbol names come from the file and need not be UTF-8: --json replaces
// the bad bytes (U+FFFD) instead of failing with an internal error.
TEST(Malformed, SymbolNamesThatAreNotUtf8) {
  const std::string path = edited("latin1", [](ElfEdit& e) {
    const std::string name = "fixture_wrmsr_ns";
    auto& b = e.bytes();
    for (auto at = std::search(b.begin(), b.end(), name.begin(), name.end()); at != b.end();
         at = std::search(at + 1, b.end(), name.begin(), name.end())) {
      at[8] = 0xff;  // fixture_\xffrmsr_ns
    }
  });
  const std::string replaced = "fixture_\xef\xbf\xbdrmsr_ns+";
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"list", "--json", path},
        std::vector<std::string>{"plan", "--json", path, "--features", ""},
        std::vector<std::string>{"check", "--json", path}}) {
    const ToolResult r = run_tool(args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << ": " << r.err;
    const auto doc = nlohmann::json::parse(r.out, nullptr, false);
    ASSERT_FALSE(doc.is_discarded()) << args[0] << ": " << r.out;
    if (args[0] != "check") {
      EXPECT_NE(r.out.find(replaced), std::string::npos) << args[0] << ": " << r.out;
    }
  }
}

TEST(Malformed, WildOffsetsDoNotCrash) {
  const std::string path = edited("wild", [](ElfEdit& e) {
    const Elf64_Shdr sites = e.section("altpv_sites");
    for (std::uint64_t at = 0; at < sites.sh_size; at += 4) {
      e.put<std::int32_t>(sites.sh_offset + at, static_cast<std::int32_t>(0x80000000u + at));
    }
  });
  for (const char* command : {"list", "check"}) {
    EXPECT_EQ(run_tool({command, path}).exit_code, 1) << command;
  }
  EXPECT_EQ(run_tool({"diff", path, path}).exit_code, 1);
}

}  // namespace
}  // namespace altpv::inspect::test
