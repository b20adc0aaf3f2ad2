// SPDX-License-Identifier: MIT
// Strategy 1: the preferred instruction written inline by hand. The limit.
#include "op_bodies.h"
#include "strategy.h"

namespace altpv::bench {
namespace {

[[gnu::always_inline]] inline std::uint64_t cpu_number() {
  return rdpid_cpu_number();
}
[[gnu::always_inline]] inline std::uint64_t fs_base() {
  return rdfsbase_fs_base();
}

}  // namespace

const Strategy kInlineAsm{"inline_asm", "hand-written inline asm (the limit)",
                          op_entry<cpu_number>(), op_entry<fs_base>()};

}  // namespace altpv::bench
