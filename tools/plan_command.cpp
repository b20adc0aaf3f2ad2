// SPDX-License-Identifier: MIT
// `plan`: the decision report the engine would print at boot for a feature
// set, line for line as altpv::format_decision writes it.
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "altpv/engine/report.h"
#include "altpv/features.h"
#include "boot_plan.h"
#include "commands.h"
#include "disassembler.h"
#include "inspect_error.h"
#include "inspected_file.h"

namespace altpv::inspect {
namespace {

using nlohmann::json;

// Applies `list` to the empty set with the engine's override parser.
FeatureSet parse_features(std::string_view list) {
  const OverrideResult r = apply_overrides(FeatureSet{}, list);
  if (!r.ok) {
    char why[512];
    format_override_error(list, why, sizeof why);
    throw InspectError(fmt::format("--features: {}", why));
  }
  return r.features;
}

json decision_json(const Decision& d, const std::string& where, const char* line) {
  char cond[32];
  format_condition(d.cond, cond, sizeof cond);
  const bool chosen = d.chosen != kOriginal;
  return {{"index", d.index},
          {"address", fmt::format("{:#x}", d.address)},
          {"symbol", where},
          {"chosen", chosen ? json(d.chosen) : json(nullptr)},
          {"condition", chosen ? json(cond) : json(nullptr)},
          {"kind", chosen ? json(alt_kind_name(d.kind)) : json(nullptr)},
          {"verdict", verdict_name(d.verdict)},
          {"refusal", d.refusal != Refusal::None ? json(refusal_name(d.refusal)) : json(nullptr)},
          {"old_bytes", hex_bytes({d.old_bytes, d.len})},
          {"new_bytes", d.verdict != Verdict::Refused ? hex_bytes({d.new_bytes, d.len}) : ""},
          {"line", line}};
}

}  // namespace

int run_plan(const PlanOptions& options, std::FILE* out) {
  const FeatureSet features = parse_features(options.features);
  return print_plan(InspectedFile(options.file), features, options, out, stderr);
}

int print_plan(const InspectedFile& f, const FeatureSet& features, const PlanOptions& options,
               std::FILE* out, std::FILE* err) {
  // A host tool cannot know where a booted image's stubs are, so it plans
  // without a backend: no call alternative matches (docs/inspect.md).
  const std::vector<Decision> decisions = plan_boot(f.image, features, nullptr);

  json lines = json::array();
  std::size_t refused = 0;
  for (const Decision& d : decisions) {
    const std::string where = options.symbols ? f.symbols.describe(d.address) : "";
    char line[512];
    format_decision(d, where.empty() ? nullptr : where.c_str(), line, sizeof line);
    if (options.json) {
      lines.push_back(decision_json(d, where, line));
    } else {
      fmt::print(out, "{}\n", line);
    }
    if (d.verdict == Verdict::Refused) ++refused;
  }
  if (options.json) {
    char names[256];
    format_features(features, names, sizeof names);
    fmt::print(out, "{}\n",
               json_text(json{{"file", f.elf.path()},
                              {"features", names},
                              {"backend", "none"},
                              {"decisions", lines}}));
  } else if (decisions.empty()) {
    fmt::print(out, "{}: no altpv sites\n", f.elf.path());
  }
  if (refused == 0) return kExitOk;
  fmt::print(err, "altpv-inspect: {}: {} of {} sites would be refused\n", f.elf.path(), refused,
             decisions.size());
  return kExitProblems;
}

}  // namespace altpv::inspect
