// SPDX-License-Identifier: MIT
// Every site of every program this project checks at build time (the list
// CMake writes), decoded twice: by the engine's instruction decoder and by
// the tools' disassembler (Zydis, plus its table of the MSR encodings Zydis
// 4.0 does not know). They must agree on each instruction's length and on
// which carry a relative branch or a RIP-relative operand, and the engine
// must relocate every original and alternative into its site.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "alternative_bytes.h"
#include "altpv/engine/relocation.h"
#include "disassembler.h"
#include "engine/insn_decoder.h"
#include "inspected_file.h"

namespace altpv::inspect::test {
namespace {

std::vector<std::string> checked_files() {
  std::ifstream in(CHECKED_TARGETS_FILE);
  std::vector<std::string> files;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) files.push_back(line);
  }
  return files;
}

struct Tally {
  std::size_t sites = 0;
  std::size_t sequences = 0;  // originals, bytes alternatives, call setups
  std::size_t instructions = 0;
  std::size_t relative = 0;  // with a branch or RIP-relative field
};

RelativeField zydis_relative(const Instruction& insn) {
  if (insn.rip_relative) return RelativeField::RipRelative;
  return insn.branch_target ? RelativeField::Branch : RelativeField::None;
}

// Decodes `bytes` both ways, then relocates them to `site` as the engine
// would; problems go to `problems`, prefixed with `what`.
void check_sequence(const SiteRecord& site, std::span<const std::uint8_t> bytes,
                    const std::string& what, Tally& tally, std::vector<std::string>& problems) {
  ++tally.sequences;
  const Disassembly d = disassemble(bytes, 0);
  if (!d.complete()) {
    problems.push_back(what + ": the disassembler stops: " + d.error);
    return;
  }
  for (const Instruction& insn : d.instructions) {
    InsnLayout layout;
    const std::string at = what + " +" + std::to_string(insn.offset) + " (" + insn.text + ")";
    if (!decode_insn_layout(bytes.data() + insn.offset, bytes.size() - insn.offset, layout)) {
      problems.push_back(at + ": the engine cannot decode it");
      return;
    }
    if (layout.length != insn.bytes.size()) {
      problems.push_back(at + ": length " + std::to_string(layout.length) + ", disassembler " +
                         std::to_string(insn.bytes.size()));
      return;
    }
    if (layout.relative != zydis_relative(insn))
      problems.push_back(at + ": relative field differs");
    ++tally.instructions;
    tally.relative += layout.relative != RelativeField::None;
  }
  const SiteCopy copy = copy_to_site(site, bytes);
  if (copy.relocation.refusal != Refusal::None) {
    problems.push_back(what + ": " + refusal_name(copy.relocation.refusal));
  }
}

TEST(ProjectSites, EngineDecoderAgreesWithTheDisassemblerOnEverySite) {
  const std::vector<std::string> files = checked_files();
  ASSERT_FALSE(files.empty()) << "no files listed in " << CHECKED_TARGETS_FILE;
  Tally total;
  std::vector<std::string> problems;
  for (const std::string& path : files) {
    SCOPED_TRACE(path);
    std::unique_ptr<InspectedFile> f;
    ASSERT_NO_THROW(f = std::make_unique<InspectedFile>(path)) << "build it first";
    const SiteTable& table = f->image.table();
    // A checked program without sites would be a check that checks nothing.
    EXPECT_GT(table.size(), 0u);
    for (std::size_t i = 0; i < table.size(); ++i) {
      ASSERT_EQ(validate_site(table, i), Refusal::None) << f->site_label(i);
      const SiteRecord& site = table.sites_begin[i];
      const std::string label = path + ": " + f->site_label(i);
      ++total.sites;
      check_sequence(site, original_bytes(site), label + " original", total, problems);
      for (std::size_t a = 0; const AltRecord& alt : alternatives(site)) {
        check_sequence(site, carried_bytes(alt), label + " " + alternative_label(a++, alt), total,
                       problems);
      }
    }
  }
  std::printf(
      "%zu sites in %zu checked files: %zu instruction sequences, %zu instructions, %zu "
      "with a relative field\n",
      total.sites, files.size(), total.sequences, total.instructions, total.relative);
  std::string list;
  for (const std::string& p : problems) list += p + "\n";
  EXPECT_TRUE(problems.empty()) << list;
  EXPECT_GT(total.relative, 0u);
}

}  // namespace
}  // namespace altpv::inspect::test
