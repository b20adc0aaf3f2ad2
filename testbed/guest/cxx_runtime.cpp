// SPDX-License-Identifier: MIT
// The libstdc++ hook that header-only code reaches without a libstdc++ to
// link: std::string_view::substr range checks in the guest's own code.
// There are no exceptions, so a failed check ends the guest.
#include <string_view>  // declares the hook, [[noreturn]]

#include "panic.h"

namespace std {

void __throw_out_of_range_fmt(const char* what, ...) {
  altpv::guest::panic(what);
}

}  // namespace std
