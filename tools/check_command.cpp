// SPDX-License-Identifier: MIT
// `check`: run the checkers and report every problem, naming its site or key
// site.
#include <set>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "inspected_file.h"
#include "key_site_checker.h"
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
  const std::vector<KeySite> keys = key_sites(f);
  std::size_t key_problems = 0, bad_keys = 0;
  for (const KeySite& k : keys) {
    key_problems += k.problems.size();
    bad_keys += !k.problems.empty();
  }
  const bool ok = problems.empty() && key_problems == 0;

  if (options.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const Problem& p : problems) {
      const std::uint64_t address = f.site_address(p.site);
      list.push_back({{"index", p.site},
                      {"address", fmt::format("{:#x}", address)},
                      {"symbol", f.symbols.describe(address)},
                      {"problem", p.what}});
    }
    nlohmann::json key_list = nlohmann::json::array();
    for (const KeySite& k : keys) {
      for (const std::string& p : k.problems) {
        key_list.push_back({{"index", k.ref},
                            {"address", fmt::format("{:#x}", k.site)},
                            {"symbol", f.symbols.describe(k.site)},
                            {"problem", p}});
      }
    }
    fmt::print(out, "{}\n",
               json_text(nlohmann::json{{"file", f.elf.path()},
                                        {"sites", sites},
                                        {"key_sites", keys.size()},
                                        {"ok", ok},
                                        {"problems", list},
                                        {"key_problems", key_list}}));
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
    for (const KeySite& k : keys) {
      for (const std::string& p : k.problems) {
        fmt::print(out, "{}: {}\n", key_site_label(f, k), p);
      }
    }
    if (key_problems != 0) {
      fmt::print(out, "{}: {} problem{} in {} of {} key sites\n", f.elf.path(), key_problems,
                 key_problems == 1 ? "" : "s", bad_keys, keys.size());
    } else if (!keys.empty()) {
      fmt::print(out, "{}: {} key sites, no problems\n", f.elf.path(), keys.size());
    }
  }
  return ok ? kExitOk : kExitProblems;
}

}  // namespace altpv::inspect
