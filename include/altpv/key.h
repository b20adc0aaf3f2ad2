// SPDX-License-Identifier: MIT
/* Keys: sites switched while threads (or CPUs) run them, like Linux static
 * keys. A key site has two states, each ONE instruction filling the site:
 *
 *   altpv::Key tracing;  // disabled until enable()
 *
 *   unsigned level() {
 *     unsigned v;
 *     asm volatile(ALTPV_KEY_SITE(ALTPV_KEY_REF, "mov $2, %%eax", "mov $1, %%eax")
 *                  : "=a"(v) : ALTPV_KEY_OPERAND(tracing));
 *     return v;  // 1, or 2 once tracing.enable() returned
 *   }
 *
 * enable() and disable() rewrite every site of the key with the INT3
 * protocol (engine/live_patcher.h), so threads may run them meanwhile; each
 * thread runs one state or the other, never a mix. One instruction per state
 * is what makes that true: a thread stopped between two instructions of a
 * site could resume in the middle of the other state. The assembler checks
 * that both states have the same length (so neither is padded); that each is
 * a single instruction is the writer's promise.
 *
 * A key and its sites belong to one image (executable or shared library):
 * Key has hidden visibility, and each image's records point at its own keys.
 * Another image switches a key through a function of the key's image.
 * docs/live-patching.md describes the protocol and its limits.
 */
#ifndef ALTPV_KEY_H
#define ALTPV_KEY_H

#include "altpv/op_ids.h"
#include "altpv/site.h"

// The formatter would split the %-codes and labels in this asm text.
// clang-format off
/* In C++ inline asm: the key operand, and how the site names it. */
#define ALTPV_KEY_OPERAND(key) [altpv_key] "i"(&(key))
#define ALTPV_KEY_REF "%c[altpv_key]"

/* `.long key - .`: key is a string in C++ (ALTPV_KEY_REF), a symbol in asm. */
#ifdef __ASSEMBLER__
#define ALTPV_KEY_OFFSET(key) .long key - .;
#else
#define ALTPV_KEY_OFFSET(key) ".long " key " - .\n"
#endif

/* A site of `key` (ALTPV_KEY_REF in C++, the key's symbol in a .S file):
 * `enabled` while the key is enabled, else `disabled`, which is the original.
 * The record goes to altpv_key_sites, not altpv_sites, so start-up patching
 * never touches it; altpv_key_refs ties it to its key. */
#define ALTPV_KEY_SITE(key, enabled, disabled)                                       \
  ALTPV_SITE_BEGIN ALTPV_ALT(ALTPV_COND_ALWAYS, enabled)                             \
  ALTPV_SITE_END_IN(altpv_key_sites, ALTPV_OP_NONE, 0, 0, disabled)                  \
  ALTPV_S(.if (8803b - 8802b) != (8811b - 8810b);                                    \
          .error "altpv: the two states of a key site differ in length"; .endif)     \
  ALTPV_S(.pushsection altpv_key_refs, "aR"; .balign 4; .long 8806b - .)           \
  ALTPV_KEY_OFFSET(key) ALTPV_S(.popsection)
// clang-format on

#if defined(__cplusplus) && !defined(__ASSEMBLER__)

#include <atomic>
#include <cstddef>

namespace altpv {

class KeySites;

// What a switch did.
struct KeySwitch {
  bool ok = false;
  std::size_t sites = 0;        // sites of the key
  std::size_t written = 0;      // sites rewritten; the others held the state already
  const char* error = nullptr;  // why not, when !ok
};

// Hidden: a key belongs to the image that defines it (see above).
class [[gnu::visibility("hidden")]] Key {
 public:
  constexpr Key() = default;
  constexpr explicit Key(bool enabled) : enabled_(enabled) {}
  Key(const Key&) = delete;
  Key& operator=(const Key&) = delete;

  bool enabled() const {
    return enabled_.load(std::memory_order_acquire);
  }

  // Switch every site of this key, while other threads may run them. Before
  // the key's image registered its sites, only the state is recorded; the
  // sites take it when the image registers. On failure (!ok) the key keeps
  // its state and nothing was written, unless a store failed midway: then a
  // site may keep an int3 that sends every thread to the new state (slower,
  // never wrong).
  KeySwitch enable() {
    return set(true);
  }
  KeySwitch disable() {
    return set(false);
  }
  KeySwitch set(bool enabled);

 private:
  friend class KeySites;
  std::atomic<bool> enabled_{false};
  std::atomic<KeySites*> sites_{nullptr};  // the sites of the key's image, once registered
};

}  // namespace altpv

#endif
#endif
