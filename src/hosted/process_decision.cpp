// SPDX-License-Identifier: MIT
// The process's one feature decision, shared by every image that links
// altpv. Everything else in libaltpv is hidden, one copy per image; this
// object is not: the dynamic linker binds every image's GOT entry for it to
// one definition, the executable's when it links altpv (the altpv CMake
// target exports it with --export-dynamic-symbol, so that libraries loaded
// later with dlopen, RTLD_LOCAL or not, find it too). An image that cannot
// see another's (a -Bsymbolic library, or one dlopened RTLD_LOCAL by a host
// without altpv) computes its own from the same inputs.
#include <sched.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "altpv/hosted/process.h"

extern "C" {

struct AltpvProcessDecision {
  std::atomic<std::uint32_t> state;  // kUnset, then kComputing, then kReady
  std::uint32_t layout;              // kLayout of the altpv that filled it in
  std::uint64_t features;
  std::uint32_t ok;
  char error[252];
};

// constinit: image constructors (priority 101) read it before any dynamic
// initialiser of this file could run.
[[gnu::visibility("default"), gnu::used]] constinit AltpvProcessDecision altpv_process_decision{};
}

namespace altpv::hosted {
namespace {

constexpr std::uint32_t kUnset = 0;
constexpr std::uint32_t kComputing = 1;
constexpr std::uint32_t kReady = 2;
// Changes whenever AltpvProcessDecision does: an image of another altpv
// version must not read this one's fields.
constexpr std::uint32_t kLayout = 0xa17d0001;

// Through the GOT, explicitly: the dynamic linker picks the definition,
// whatever the compiler assumes about interposition.
AltpvProcessDecision* shared_decision() {
  AltpvProcessDecision* p;
  asm("mov altpv_process_decision@GOTPCREL(%%rip), %0" : "=r"(p));
  return p;
}

void decide(AltpvProcessDecision& d) {
  const ProcessFeatures f = process_features();
  d.layout = kLayout;
  d.features = f.features.bits();
  d.ok = f.ok ? 1 : 0;
  std::snprintf(d.error, sizeof d.error, "%s", f.error.c_str());
  if (!f.ok) std::fprintf(stderr, "altpv: %s; nothing patched\n", f.error.c_str());
}

ProcessFeatures read(const AltpvProcessDecision& d) {
  ProcessFeatures f;
  f.ok = d.ok != 0;
  f.features = FeatureSet(d.features);
  f.error = d.error;
  return f;
}

}  // namespace

ProcessFeatures process_decision() {
  AltpvProcessDecision& shared = *shared_decision();
  std::uint32_t state = kUnset;
  if (shared.state.compare_exchange_strong(state, kComputing, std::memory_order_acquire)) {
    decide(shared);
    shared.state.store(kReady, std::memory_order_release);
  } else {
    while (shared.state.load(std::memory_order_acquire) != kReady) sched_yield();
  }
  if (shared.layout == kLayout) return read(shared);
  // Another altpv's decision: make this image's own, once.
  static const ProcessFeatures own = process_features();
  return own;
}

}  // namespace altpv::hosted
