// SPDX-License-Identifier: MIT
#include "msr_log.h"

#include <nlohmann/json.hpp>

#include "console_lines.h"
#include "parse_error.h"

namespace altpv::demo {

std::vector<MsrAccess> parse_msr_log(std::string_view text) {
  std::vector<MsrAccess> log;
  for (std::string_view line : tagged_lines(text, "")) {
    if (line.empty()) continue;
    try {
      const auto j = nlohmann::json::parse(line);
      const std::string op = j.at("op");
      if (op != "write" && op != "read") throw ParseError("op '" + op + "'");
      // value_hex, not value: the number may exceed what a double holds.
      log.push_back({j.at("seq"), j.at("vcpu"), op == "write", j.at("msr"),
                     parse_number(j.at("value_hex").get<std::string>(), "value_hex"),
                     j.at("path")});
    } catch (const std::exception& e) {
      throw ParseError("msr log line '" + std::string(line) + "': " + e.what());
    }
  }
  return log;
}

std::vector<MsrAccess> writes_of(const std::vector<MsrAccess>& log) {
  std::vector<MsrAccess> writes;
  for (const MsrAccess& a : log) {
    if (a.write) writes.push_back(a);
  }
  return writes;
}

}  // namespace altpv::demo
