// SPDX-License-Identifier: MIT
// Switching sites while other CPUs execute them: the INT3 protocol of the
// Intel SDM (vol. 3A, 8.1.3 "Handling Self- and Cross-Modifying Code"), in
// the order Linux runs it in smp_text_poke_batch_finish()
// (arch/x86/kernel/alternative.c):
//   1. write int3 over the first byte of every site, then sync every CPU;
//   2. write the rest of every site, then sync;
//   3. write the new first bytes, then sync.
// A CPU that executes one of those int3s meanwhile is sent to an out-of-line
// copy of the site's new bytes, which ends in a jump to the end of the site:
// it runs the old bytes or the new ones, never a mix.
//
// This is sound only if no CPU can be stopped *inside* a site, between two
// of its instructions, since the tail could change under it: every state a
// live site switches between must be one instruction that fills the site.
//
// Freestanding. The environment supplies a LiveTextWriter: storing bytes,
// synchronising every CPU, executable memory for the out-of-line copies, and
// a trap handler (#BP in a kernel, SIGTRAP in a process) that asks
// live_resume_address() where the CPU continues.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>

#include "altpv/engine/site_records.h"
#include "altpv/engine/text_writer.h"

namespace altpv {

inline constexpr std::uint8_t kInt3 = 0xcc;

// An out-of-line copy returns with `jmp *0(%rip)` and an absolute target, so
// it may lie anywhere.
inline constexpr std::size_t kDetourJumpLength = 14;
inline constexpr std::size_t kMaxDetourLength = kMaxSiteLength + kDetourJumpLength;

// Where a CPU that executes our int3 at the first byte of `site` continues.
// One per site that is ever switched live, kept for good: a CPU may take its
// trap late, after the switch is over.
struct LiveRoute {
  std::uintptr_t site = 0;
  // The out-of-line copy of the bytes the site is becoming; 0 until the
  // site is first switched.
  std::atomic<std::uintptr_t> detour{0};
};

// For the trap handler, given the route of the site whose first byte trapped:
// the out-of-line copy while the site still holds our int3, the site itself
// once its switch wrote the new first byte (run it as it now is), or 0 when
// the route was never used (the int3 is not ours).
std::uintptr_t live_resume_address(const LiveRoute& route);

// What live patching needs from its environment.
class LiveTextWriter : public TextWriter {
 public:
  // write() stores into text that other CPUs may be executing; sync()
  // returns once every CPU that may run the text has serialised (an IPI and
  // a serialising instruction; membarrier SYNC_CORE in a process).

  // `size` bytes of executable memory that write() can store to, within
  // rel32 reach of `near` where possible; 0 when there is none. Never reused:
  // a CPU may run an out-of-line copy long after the switch that sent it.
  virtual std::uintptr_t allocate_code(std::size_t size, std::uintptr_t near) = 0;
  // Makes an int3 at a live site reach the environment's trap handler (which
  // calls live_resume_address). False, with error() saying why, when it
  // cannot; nothing may be switched live then.
  virtual bool route_traps() = 0;
  // Why the last allocate_code, route_traps or write failed.
  virtual const char* error() const = 0;

 protected:
  ~LiveTextWriter() = default;
};

// One site of a live switch.
struct LiveChange {
  LiveRoute* route;
  std::uint8_t len;
  const std::uint8_t* old_bytes;  // what the site holds
  const std::uint8_t* new_bytes;  // what it becomes
  // An out-of-line copy of new_bytes ending in a jump to the end of the
  // site (render_detour), already written and synced.
  std::uintptr_t detour;
};

// Runs the protocol over `changes`, with three syncs. False when a write
// failed: a site whose first byte could not be restored keeps its int3 and
// its route, which sends every CPU to the new bytes (slower, never wrong).
bool live_write(std::span<const LiveChange> changes, LiveTextWriter& writer);

// An out-of-line copy: `content` (len bytes, rendered to lie where the copy
// will), then a jump to `resume`. Returns its length, at most
// kMaxDetourLength.
std::size_t render_detour(const std::uint8_t* content, std::size_t len, std::uintptr_t resume,
                          std::uint8_t* out);

}  // namespace altpv
