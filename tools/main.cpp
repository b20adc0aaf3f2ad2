// SPDX-License-Identifier: MIT
// altpv-inspect: inspect and check the patch sites of an ELF file.
#include <algorithm>
#include <cstdio>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <CLI/CLI.hpp>

#include "commands.h"
#include "inspect_error.h"

namespace {

using namespace altpv::inspect;

constexpr const char* kDescription =
    "Inspect and check the altpv patch sites of an x86-64 ELF executable or shared object\n"
    "(PIE, shared library, or a static kernel such as the testbed guest). Relocatable\n"
    ".o files are not supported.";

}  // namespace

int main(int argc, char** argv) {
  CLI::App app(kDescription, "altpv-inspect");
  app.set_version_flag("--version", std::string("altpv-inspect ") + ALTPV_VERSION);
  app.require_subcommand(1);

  ListOptions list;
  CLI::App* list_cmd =
      app.add_subcommand("list",
                         "Every site: address, symbol, op, constant, length, the original and each "
                         "alternative (condition, kind, disassembly)");
  list_cmd->add_option("FILE", list.file, "ELF file")->required();
  list_cmd->add_flag("--json", list.json, "Print JSON");

  PlanOptions plan;
  std::string backend = "none";
  CLI::App* plan_cmd = app.add_subcommand(
      "plan", "The decision report the engine would print at boot (altpv.debug) for a feature set");
  plan_cmd->add_option("FILE", plan.file, "ELF file")->required();
  plan_cmd
      ->add_option("--features", plan.features,
                   "Features the CPU has, e.g. wrmsrns,hypervisor or +pv,-rdpid (override "
                   "syntax on the empty set); \"\" for none")
      ->required();
  plan_cmd
      ->add_option("--backend", backend,
                   "Backend supplying call stubs; only 'none' (a host tool cannot know the "
                   "stub addresses, so no call alternative matches)")
      ->check(CLI::IsMember({"none"}));
  plan_cmd->add_flag_callback(
      "--no-symbols", [&plan] { plan.symbols = false; },
      "Omit <symbol+offset>, to compare with a report printed without a symbolizer");
  plan_cmd->add_flag("--json", plan.json, "Print JSON");

  CheckOptions check;
  CLI::App* check_cmd =
      app.add_subcommand("check", "Check every site; exit 1 naming each site with a problem");
  check_cmd->add_option("FILE", check.file, "ELF file (unpatched, as built)")->required();
  check_cmd->add_flag("--json", check.json, "Print JSON");

  DiffOptions diff;
  CLI::App* diff_cmd = app.add_subcommand(
      "diff",
      "Which alternative each site holds in DUMP, a copy of FILE whose text was dumped "
      "after patching (altpv-vmm --dump-text)");
  diff_cmd->add_option("FILE", diff.file, "ELF file as built")->required();
  diff_cmd->add_option("DUMP", diff.dump, "The same ELF with patched text")->required();

  app.footer(
      "Exit status: 0 fine; 1 problems found (check, diff) or invalid site records;\n"
      "2 unreadable or malformed input. See docs/inspect.md.");

  // CLI11 would report a mistyped subcommand as "A subcommand is required".
  std::vector<std::string> names;
  for (const CLI::App* sub : std::as_const(app).get_subcommands(nullptr)) {
    names.push_back(sub->get_name());
  }
  if (argc > 1 && argv[1][0] != '-' &&
      std::find(names.begin(), names.end(), argv[1]) == names.end()) {
    fmt::print(stderr, "altpv-inspect: unknown subcommand '{}' (valid: {})\n", argv[1],
               fmt::join(names, ", "));
    return kExitBadInput;
  }
  CLI11_PARSE(app, argc, argv);
  try {
    if (list_cmd->parsed()) return run_list(list, stdout);
    if (plan_cmd->parsed()) return run_plan(plan, stdout);
    if (check_cmd->parsed()) return run_check(check, stdout);
    return run_diff(diff, stdout);
  } catch (const InspectError& e) {
    fmt::print(stderr, "altpv-inspect: {}\n", e.what());
    return kExitBadInput;
  } catch (const std::exception& e) {
    fmt::print(stderr, "altpv-inspect: internal error: {}\n", e.what());
    return kExitBadInput;
  }
}
