// SPDX-License-Identifier: MIT
// Its sites are patched as it loads; the start-up call reports the counts
// (all unchanged by then). It uses one site: the CPU number, from RDPID where
// the CPU has it. Exit 0 when the patched site agrees with the kernel.
#include <sched.h>

#include <cstdio>

#include "altpv/cpu_ops.h"
#include "altpv/hosted/process.h"

int main() {
  const altpv::hosted::PatchResult patched = altpv::hosted::patch_process_at_startup();
  if (!patched.ok) return 1;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(0, &one);
  if (sched_setaffinity(0, sizeof one, &one) != 0) return 1;
  const unsigned cpu = altpv::cpu_number();
  std::printf("consumer: %zu sites, %zu patched now, %zu already; cpu_number() = %u\n",
              patched.stats.sites, patched.stats.patched, patched.stats.unchanged, cpu);
  return cpu == static_cast<unsigned>(sched_getcpu()) ? 0 : 1;
}
