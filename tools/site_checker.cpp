// SPDX-License-Identifier: MIT
#include "site_checker.h"

#include <algorithm>

#include <fmt/format.h>

#include "alternative_bytes.h"
#include "altpv/engine/planner.h"
#include "boot_plan.h"
#include "disassembler.h"

namespace altpv::inspect {
namespace {

constexpr std::uint8_t kInt3 = 0xcc;

// Bytes copied into the site run at the site's address: the engine relocates
// the branches and RIP-relative operands that leave them, and refuses the
// site when it cannot; say so with the engine's reason.
void check_relocatable(const SiteCopy& copy, const std::string& label,
                       std::vector<std::string>& out) {
  if (copy.relocation.refusal == Refusal::None) return;
  out.push_back(fmt::format("{}: not relocatable: {} (instruction at +{})", label,
                            refusal_name(copy.relocation.refusal), copy.relocation.offset));
}

// Padding is NOPs, or (for long gaps) a short jump to its end over INT3s.
bool is_padding(const Disassembly& d, std::uint64_t end) {
  if (!d.complete()) return false;
  const auto& insns = d.instructions;
  if (std::all_of(insns.begin(), insns.end(), [](const Instruction& i) { return i.nop; })) {
    return true;
  }
  return insns.front().branch_target == end &&
         std::all_of(insns.begin() + 1, insns.end(), [](const Instruction& i) {
           return i.bytes.size() == 1 && i.bytes[0] == kInt3;
         });
}

std::vector<std::string> check_valid_site(const InspectedFile& f, std::size_t index,
                                          bool compare_text) {
  std::vector<std::string> out;
  const SiteRecord& site = f.image.table().sites_begin[index];
  const std::uint64_t address = f.site_address(index);
  const auto orig = original_bytes(site);
  const Disassembly od = disassemble(orig, address);
  if (!od.complete()) {
    out.push_back(fmt::format("original: does not decode into whole instructions ({}): {}",
                              od.error, hex_bytes(orig)));
  }
  // validate_site proved the site inside the text range, which is laid out.
  // The copy in altpv_repl, relocated to the site, is what the text holds.
  const auto text = f.image.bytes_at(address, site.len).value();
  const SiteCopy linked = copy_to_site(site, orig);
  if (compare_text && linked.relocation.refusal == Refusal::None &&
      !std::equal(text.begin(), text.end(), linked.bytes.begin())) {
    out.push_back(
        fmt::format("text holds {}, not the original {} (the file on disk must be "
                    "unpatched)",
                    hex_bytes(text), hex_bytes(linked.bytes)));
  }
  for (std::size_t i = 0; const AltRecord& alt : alternatives(site)) {
    const std::string label = alternative_label(i++, alt);
    const auto carried = carried_bytes(alt);
    const Disassembly d = disassemble(carried, address);
    if (!d.complete()) {
      out.push_back(fmt::format("{}: does not decode into whole instructions ({}): {}", label,
                                d.error, hex_bytes(carried)));
    }
    check_relocatable(copy_to_site(site, carried), label, out);
    const std::uint64_t fill_at = address + alt.len;
    if (alt.len < site.len &&
        !is_padding(disassemble(nop_fill(site.len - alt.len), fill_at), address + site.len)) {
      out.push_back(fmt::format("{}: padding does not decode as NOPs", label));
    }
  }
  return out;
}

}  // namespace

std::vector<Problem> check_sites(const InspectedFile& f) {
  const SiteTable& table = f.image.table();
  // What the engine itself would refuse, overlaps and duplicates included.
  std::vector<Refusal> refusals(table.size(), Refusal::None);
  for (const Decision& d : plan_boot(f.image, FeatureSet{}, nullptr)) refusals[d.index] = d.refusal;

  std::vector<Problem> problems;
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (refusals[i] != Refusal::None) problems.push_back({i, refusal_name(refusals[i])});
    if (validate_site(table, i) != Refusal::None) continue;  // its bytes are not safe to read
    // A site the engine found holding unknown bytes is already reported.
    const bool compare_text = refusals[i] != Refusal::UnknownBytes;
    for (std::string& what : check_valid_site(f, i, compare_text)) {
      problems.push_back({i, std::move(what)});
    }
  }
  return problems;
}

}  // namespace altpv::inspect
