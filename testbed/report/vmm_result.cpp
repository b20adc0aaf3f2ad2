// SPDX-License-Identifier: MIT
#include "vmm_result.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "console_lines.h"
#include "parse_error.h"

namespace altpv::demo {

bool VmmResult::guest_passed() const {
  return exit_code == 0 && guest_exit_code == 0 &&
         std::all_of(tests.begin(), tests.end(),
                     [](const GuestTest& t) { return t.status == "pass"; });
}

const GuestTest* VmmResult::find_test(std::string_view name) const {
  for (const GuestTest& t : tests) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

VmmResult parse_vmm_result(std::string_view text) {
  try {
    const auto j = nlohmann::json::parse(text);
    VmmResult r;
    r.exit_code = j.at("exit_code");
    r.exit_reason = j.at("exit_reason");
    r.message = j.at("message");
    if (j.contains("guest_exit_code")) r.guest_exit_code = j["guest_exit_code"].get<std::int64_t>();
    for (const auto& t : j.at("tests")) {
      r.tests.push_back({t.at("name"), t.at("status"), t.at("message"), t.at("vcpu")});
    }
    if (j.contains("msrs")) {
      for (const auto& [key, v] : j["msrs"].items()) {
        r.msrs[static_cast<std::uint32_t>(parse_number(key, "msrs key"))] =
            parse_number(v.at("hex").get<std::string>(), "msrs hex");
      }
    }
    r.instructions = j.at("counters").at("instructions");
    r.exits = j.at("counters").at("exits");
    return r;
  } catch (const std::exception& e) {
    throw ParseError(std::string("VMM result json: ") + e.what());
  }
}

}  // namespace altpv::demo
