// SPDX-License-Identifier: MIT
// Waiting for what another vCPU or the VMM does (a tick, a flag), bounded so
// that an event that never comes fails a case instead of hanging it. Nothing
// is timed: the bound is a number of spins, each a few guest instructions.
#pragma once

namespace altpv::guest {

// Spins until `done()`, at most kMaxSpins times; returns whether it held.
template <unsigned kMaxSpins, typename Done>
bool wait_for(Done done) {
  for (unsigned spins = 0; spins < kMaxSpins; ++spins) {
    if (done()) return true;
    asm volatile("pause" : : : "memory");
  }
  return done();
}

}  // namespace altpv::guest
