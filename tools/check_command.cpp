// SPDX-License-Identifier: MIT
// `check`: run the checker and report every problem, naming its site.
#include <set>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "inspected_file.h"
#include "site_checker.h"

namespace altpv::inspect {

int run_check(const CheckOptions& options, std::FILE* out) {
  return print_check(InspectedFile(options.file), options, out);
}

int print_check(const InspectedFile& f, const CheckOptions& options, std::FILE* out) {
  const std::vector<Problem> problems = check_sites(f);
  const std::size_t sites = f.image.table().size();
  std::set<std::size_t> bad_sites;
  for (const Problem& p : problems) bad_sites.insert(p.site);

  if (options.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const Problem& p : problems) {
      const std::uint64_t address = f.site_address(p.site);
      list.push_back({{"index", p.site},
                      {"address", fmt::format("{:#x}", address)},
                      {"symbol", f.symbols.describe(address)},
                      {"problem", p.what}});
    }
    fmt::print(out, "{}\n",
               json_text(nlohmann::json{{"file", f.elf.path()},
                                        {"sites", sites},
                                        {"ok", problems.empty()},
                                        {"problems", list}}));
  } else {
    for (const Problem& p : problems) fmt::print(out, "{}: {}\n", f.site_label(p.site), p.what);
    if (sites == 0) {
      fmt::print(out, "{}: no altpv sites\n", f.elf.path());
    } else if (problems.empty()) {
      fmt::print(out, "{}: {} sites, no problems\n", f.elf.path(), sites);
    } else {
      fmt::print(out, "{}: {} problem{} in {} of {} sites\n", f.elf.path(), problems.size(),
                 problems.size() == 1 ? "" : "s", bad_sites.size(), sites);
    }
  }
  return problems.empty() ? kExitOk : kExitProblems;
}

}  // namespace altpv::inspect
