// SPDX-License-Identifier: MIT
// `list`: every site with its original and alternatives, decoded; then every
// key site with its key and its two states.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "alternative_bytes.h"
#include "altpv/engine/planner.h"
#include "altpv/engine/report.h"
#include "commands.h"
#include "disassembly_output.h"
#include "inspected_file.h"
#include "key_site_checker.h"

namespace altpv::inspect {
namespace {

using nlohmann::json;

// A call alternative ends in code the backend supplies at boot; a file on
// disk only says which op's stub it will be.
std::string call_text(const SiteRecord& site, const AltRecord& alt) {
  const std::string call = fmt::format("call <stub for op {}>", site.op);
  return alt.kind == AltKind::CallSkipRedZone ? "lea -0x80(%rsp), %rsp; " + call : call;
}

json site_json(const InspectedFile& f, std::size_t index) {
  const SiteRecord& site = f.image.table().sites_begin[index];
  const std::uint64_t address = f.site_address(index);
  json j = {{"index", index},
            {"address", fmt::format("{:#x}", address)},
            {"symbol", f.symbols.describe(address)},
            {"op", site.op},
            {"constant", site.has_constant() ? json(site.constant) : json(nullptr)},
            {"length", site.len}};
  const Refusal refusal = validate_site(f.image.table(), index);
  if (refusal != Refusal::None) {
    j["invalid"] = refusal_name(refusal);
    return j;
  }
  const auto orig = original_bytes(site);
  j["original"] = {{"bytes", hex_bytes(orig)},
                   {"instructions", disassembly_json(disassemble(orig, address))}};
  json alts = json::array();
  for (std::size_t i = 0; const AltRecord& alt : alternatives(site)) {
    char cond[32];
    format_condition(alt.cond, cond, sizeof cond);
    const auto carried = carried_bytes(alt);
    json a = {{"index", i++},
              {"condition", cond},
              {"kind", alt_kind_name(alt.kind)},
              {"length", alt.len},
              {"bytes", hex_bytes(carried)},
              {"instructions", disassembly_json(disassemble(carried, address))}};
    if (alt.kind != AltKind::Bytes) a["call"] = call_text(site, alt);
    alts.push_back(std::move(a));
  }
  j["alternatives"] = std::move(alts);
  return j;
}

void print_site(std::FILE* out, const InspectedFile& f, std::size_t index) {
  const SiteRecord& site = f.image.table().sites_begin[index];
  const std::uint64_t address = f.site_address(index);
  fmt::print(out, "{} op {}", f.site_label(index), site.op);
  if (site.has_constant()) fmt::print(out, " const {:#x}", site.constant);
  fmt::print(out, " len {}\n", site.len);
  const Refusal refusal = validate_site(f.image.table(), index);
  if (refusal != Refusal::None) {
    fmt::print(out, "  invalid record: {}\n", refusal_name(refusal));
    return;
  }
  fmt::print(out, "  original\n");
  print_disassembly(out, disassemble(original_bytes(site), address), address);
  for (std::size_t i = 0; const AltRecord& alt : alternatives(site)) {
    fmt::print(out, "  {} len {}\n", alternative_label(i++, alt), alt.len);
    const auto carried = carried_bytes(alt);
    print_disassembly(out, disassemble(carried, address), address);
    if (alt.kind != AltKind::Bytes) {
      fmt::print(out, "    {:#x}:  {:<30} {}\n", address + carried.size(), "",
                 call_text(site, alt));
    }
  }
}

// A key site's states, as its record holds them: the original is the
// disabled state, the one alternative the enabled state.
struct KeyStates {
  std::span<const std::uint8_t> disabled, enabled;
};

std::optional<KeyStates> key_states(const InspectedFile& f, const KeySite& k) {
  if (!k.record) return std::nullopt;
  const KeyTable& table = f.image.key_table();
  if (validate_site(table.sites, *k.record) != Refusal::None) return std::nullopt;
  const SiteRecord& site = table.sites.sites_begin[*k.record];
  if (site.nalts != 1) return std::nullopt;
  return KeyStates{original_bytes(site), carried_bytes(alternatives(site)[0])};
}

json key_site_json(const InspectedFile& f, const KeySite& k) {
  json j = {{"index", k.ref},
            {"address", fmt::format("{:#x}", k.site)},
            {"symbol", f.symbols.describe(k.site)},
            {"key", fmt::format("{:#x}", k.key)}};
  if (!k.problems.empty()) j["problems"] = k.problems;
  if (const auto states = key_states(f, k)) {
    j["length"] = states->disabled.size();
    for (const auto& [name, bytes] :
         {std::pair{"disabled", states->disabled}, std::pair{"enabled", states->enabled}}) {
      j[name] = {{"bytes", hex_bytes(bytes)},
                 {"instructions", disassembly_json(disassemble(bytes, k.site))}};
    }
  }
  return j;
}

void print_key_site(std::FILE* out, const InspectedFile& f, const KeySite& k) {
  fmt::print(out, "{} key {:#x}\n", key_site_label(f, k), k.key);
  for (const std::string& p : k.problems) fmt::print(out, "  problem: {}\n", p);
  const auto states = key_states(f, k);
  if (!states) return;
  fmt::print(out, "  disabled (the original) len {}\n", states->disabled.size());
  print_disassembly(out, disassemble(states->disabled, k.site), k.site);
  fmt::print(out, "  enabled len {}\n", states->enabled.size());
  print_disassembly(out, disassemble(states->enabled, k.site), k.site);
}

}  // namespace

int run_list(const ListOptions& options, std::FILE* out) {
  return print_list(InspectedFile(options.file), options, out, stderr);
}

int print_list(const InspectedFile& f, const ListOptions& options, std::FILE* out, std::FILE* err) {
  const SiteTable& table = f.image.table();
  std::size_t invalid = 0;
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (validate_site(table, i) != Refusal::None) ++invalid;
  }
  const std::vector<KeySite> keys = key_sites(f);
  if (options.json) {
    json sites = json::array();
    for (std::size_t i = 0; i < table.size(); ++i) sites.push_back(site_json(f, i));
    json key_list = json::array();
    for (const KeySite& k : keys) key_list.push_back(key_site_json(f, k));
    fmt::print(out, "{}\n",
               json_text(json{{"file", f.elf.path()}, {"sites", sites}, {"key_sites", key_list}}));
  } else {
    if (!f.image.has_sites()) fmt::print(out, "{}: no altpv sites\n", f.elf.path());
    for (std::size_t i = 0; i < table.size(); ++i) print_site(out, f, i);
    for (const KeySite& k : keys) print_key_site(out, f, k);
  }
  if (invalid == 0) return kExitOk;
  fmt::print(err, "altpv-inspect: {}: {} of {} site records invalid\n", f.elf.path(), invalid,
             table.size());
  return kExitProblems;
}

}  // namespace altpv::inspect
