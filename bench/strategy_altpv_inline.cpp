// SPDX-License-Identifier: MIT
// Strategy 2: an altpv site patched inline at start-up. After patching the
// site holds the instruction itself (plus NOP padding), so it should cost
// what strategy 1 costs; site_checks.cpp proves the bytes are right.
#include "altpv/cpu_ops.h"
#include "fs_base_site.h"
#include "strategy.h"

namespace altpv::bench {
namespace {

[[gnu::always_inline]] inline std::uint64_t cpu_number() {
  return altpv::cpu_number();
}
[[gnu::always_inline]] inline std::uint64_t fs_base() {
  return fs_base_site();
}

}  // namespace

const Strategy kAltpvInline{"altpv_inline", "altpv site patched inline", op_entry<cpu_number>(),
                            op_entry<fs_base>()};

}  // namespace altpv::bench
