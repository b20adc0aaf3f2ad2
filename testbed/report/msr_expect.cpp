// SPDX-License-Identifier: MIT
#include "msr_expect.h"

#include <sstream>

#include "console_lines.h"
#include "parse_error.h"
#include "write_path.h"

namespace altpv::demo {

std::vector<ExpectedWrite> parse_msr_expect(std::string_view console) {
  std::vector<ExpectedWrite> writes;
  for (std::string_view line : tagged_lines(console, "msr-expect ")) {
    std::istringstream in{std::string(line)};
    std::string op, msr, value, extra;
    if (!(in >> op >> msr >> value) || (in >> extra)) {
      throw ParseError("malformed msr-expect line: '" + std::string(line) + "'");
    }
    if (!known_write_op(op)) throw ParseError("msr-expect: unknown op '" + op + "'");
    writes.push_back({op, static_cast<std::uint32_t>(parse_number(msr, "msr-expect index")),
                      parse_number(value, "msr-expect value")});
  }
  return writes;
}

}  // namespace altpv::demo
