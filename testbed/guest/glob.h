// SPDX-License-Identifier: MIT
// Shell-style name matching for run=: `*` matches any run of characters,
// `?` any one character; everything else matches itself.
#pragma once

#include <string_view>

namespace altpv::guest {

bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace altpv::guest
