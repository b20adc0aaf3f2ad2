// SPDX-License-Identifier: MIT
#include "inspected_file.h"

#include <fmt/format.h>

namespace altpv::inspect {

std::string InspectedFile::site_label(std::size_t index) const {
  const std::uint64_t address = site_address(index);
  const std::string where = symbols.describe(address);
  return where.empty() ? fmt::format("site {} @{:#x}", index, address)
                       : fmt::format("site {} @{:#x} <{}>", index, address, where);
}

}  // namespace altpv::inspect
