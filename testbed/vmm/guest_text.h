// SPDX-License-Identifier: MIT
// Text that comes from the guest (test names, messages) as the VMM shows it on
// a terminal: control characters and bytes that are not UTF-8 are written as
// \xNN escapes, so a guest cannot drive the terminal or garble the report.
#pragma once

#include <string>
#include <string_view>

namespace altpv::vmm {

std::string printable(std::string_view text);

}  // namespace altpv::vmm
