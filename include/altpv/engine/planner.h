// SPDX-License-Identifier: MIT
// Planning: which bytes each site should hold. A pure function of the site
// table, the feature set, the backend and the site's current bytes; it
// writes nothing, so it can be tested on tables built in a buffer.
#pragma once

#include <cstddef>
#include <cstdint>

#include "altpv/backend.h"
#include "altpv/engine/site_records.h"
#include "altpv/features.h"

namespace altpv {

enum class Verdict : std::uint8_t {
  Patch,      // the site will be rewritten to new_bytes
  Unchanged,  // the site already holds new_bytes
  Refused,    // the site is left as it is; see Refusal
};

enum class Refusal : std::uint8_t {
  None,
  SiteOutOfText,      // site bytes not inside the text range
  ZeroLength,         // site length 0
  TooLong,            // site length above kMaxSiteLength
  AltsOutOfRange,     // alternative records outside altpv_alts
  ReplOutOfRange,     // replacement or original copy outside altpv_repl
  AltLongerThanSite,  // an alternative does not fit in the site
  BadAltKind,         // unknown kind, or a call of the wrong length
  BadCondition,       // a condition naming no feature bit
  ReservedBits,       // reserved bytes or undefined flag bits set in the record
  Overlap,            // the site overlaps another site
  Duplicate,          // another record describes the same site
  UnknownBytes,       // the site holds neither its original nor an alternative
  CallOutOfRange,     // the stub is beyond a rel32 displacement
  NoBackend,          // pv is set and a call alternative applies, but there is no backend
  BackendNotReady,    // the backend offers a stub but cannot serve it (Backend::ready)
  Undecodable,        // bytes copied into the site do not decode (relocation.h)
  RelocOutOfRange,    // a relocated displacement does not fit its field
  WriteFailed,        // the writer could not store the bytes
  NoSuchChoice,       // plan_choice: no such alternative, or a call without a stub
  InlineTooLong,      // the backend's inline bytes do not fit the site
};

const char* verdict_name(Verdict v);
const char* refusal_name(Refusal r);

// The alternative index meaning "the original".
inline constexpr int kOriginal = -1;

struct Decision {
  std::size_t index = 0;       // position in the site table
  std::uintptr_t address = 0;  // first byte of the site
  std::uint16_t op = 0;
  std::uint32_t constant = 0;
  bool has_constant = false;
  std::uint8_t len = 0;
  int chosen = kOriginal;                  // alternative index, or kOriginal
  std::uint16_t cond = ALTPV_COND_ALWAYS;  // condition of the chosen alternative
  AltKind kind = AltKind::Bytes;           // kind of the chosen alternative
  // What the backend made of a chosen call alternative.
  SiteCode::Form form = SiteCode::Form::None;
  Verdict verdict = Verdict::Refused;
  Refusal refusal = Refusal::None;
  std::uint8_t old_bytes[kMaxSiteLength] = {};
  std::uint8_t new_bytes[kMaxSiteLength] = {};
};

// Checks that record `index` and everything it points at lie inside the
// table's bounds. Refusal::None when it does.
Refusal validate_site(const SiteTable& table, std::size_t index);

// Decides site `index`. For Bytes alternatives the decision depends only on
// the table and the features; Call alternatives also need the backend. With
// no backend a call alternative does not match, except under pv: the feature
// set then says a paravirtualising backend is in charge, so a site whose
// chosen alternative is a call is refused (NoBackend) rather than left to the
// native instruction. A site whose chosen call the backend cannot serve
// (Backend::ready() false) is refused too (BackendNotReady).
Decision plan_site(const SiteTable& table, std::size_t index, const FeatureSet& features,
                   const Backend* backend);

// Decides site `index` for a given choice (an alternative index, or
// kOriginal) instead of selecting by features: for sites that something other
// than the feature set switches (a key). The same checks as plan_site.
Decision plan_choice(const SiteTable& table, std::size_t index, int chosen, const Backend* backend);

// Renders choice `chosen` of site `index` (site.len bytes, NOP-filled) as it
// must lie at `at`, an out-of-line copy of the site. False when it cannot lie
// there: an invalid record or choice, no stub, a call out of rel32 reach.
bool render_choice_at(const SiteTable& table, std::size_t index, int chosen, const Backend* backend,
                      std::uintptr_t at, std::uint8_t* out);

// Bytes the synthesised call of `kind` occupies (0 for Bytes): 5, or 10 with
// the red-zone step.
std::size_t call_length(AltKind kind);

// Whether `bytes` (site.len of them, as they lie at `address`) hold call
// alternative `alt` as the engine renders a `form` (Call or BareCall) of it;
// if so, the stub it calls.
bool decode_rendered_call(const SiteRecord& site, const AltRecord& alt, const std::uint8_t* bytes,
                          std::uintptr_t address, std::uintptr_t* target,
                          SiteCode::Form form = SiteCode::Form::Call);

// True if `cond` holds for `features`.
bool condition_holds(std::uint16_t cond, const FeatureSet& features);

}  // namespace altpv
