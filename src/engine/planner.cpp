// SPDX-License-Identifier: MIT
#include "altpv/engine/planner.h"

#include <cstring>

#include "altpv/engine/nop_fill.h"
#include "altpv/engine/relocation.h"

namespace altpv {
namespace {

// [p, p+len) inside [begin, end), without overflowing.
bool in_range(std::uintptr_t p, std::size_t len, std::uintptr_t begin, std::uintptr_t end) {
  return p >= begin && p <= end && len <= end - p;
}

std::uintptr_t addr(const void* p) {
  return reinterpret_cast<std::uintptr_t>(p);
}

const AltRecord* alt_at(const SiteRecord& site, std::size_t i) {
  return reinterpret_cast<const AltRecord*>(site.alts_address()) + i;
}

constexpr std::uint8_t kLeaRspMinus128[] = {0x48, 0x8d, 0x64, 0x24, 0x80};
constexpr std::uint8_t kCallRel32 = 0xe8;

// Renders a call alternative as it must lie at `at` into `out`: its setup
// bytes (if any, relocated like a replacement) unless the call is bare,
// `[lea -128(%rsp),%rsp;] call rel32`, then NOP fill.
Refusal render_call(const AltRecord& alt, bool bare, std::uintptr_t at, std::size_t site_len,
                    const void* stub, std::uint8_t* out) {
  std::size_t pos = bare ? 0 : alt.len - call_length(alt.kind);
  const Refusal setup =
      relocate_code(reinterpret_cast<const std::uint8_t*>(alt.repl_address()), pos, at, out)
          .refusal;
  if (setup != Refusal::None) return setup;
  if (alt.kind == AltKind::CallSkipRedZone) {
    std::memcpy(out + pos, kLeaRspMinus128, sizeof kLeaRspMinus128);
    pos += sizeof kLeaRspMinus128;
  }
  // rel32 counts from the end of the call instruction.
  const std::uintptr_t next = at + pos + 5;
  const auto disp = static_cast<std::int64_t>(addr(stub) - next);
  if (disp < INT32_MIN || disp > INT32_MAX) return Refusal::CallOutOfRange;
  const auto rel = static_cast<std::int32_t>(disp);
  out[pos] = kCallRel32;
  std::memcpy(out + pos + 1, &rel, sizeof rel);
  fill_nops(out + pos + 5, site_len - pos - 5);
  return Refusal::None;
}

// Renders the backend's code for call alternative `alt` (backend.h): a call
// with or without the setup, or its inline bytes and NOP fill.
Refusal render_code(const SiteRecord& site, const AltRecord& alt, const SiteCode& code,
                    std::uintptr_t at, std::uint8_t* out) {
  if (code.form != SiteCode::Form::Inline) {
    return render_call(alt, code.form == SiteCode::Form::BareCall, at, site.len, code.stub, out);
  }
  if (code.len > site.len) return Refusal::InlineTooLong;
  if (code.origin != nullptr) {
    const Refusal r =
        relocate_code(static_cast<const std::uint8_t*>(code.origin), code.len, at, out).refusal;
    if (r != Refusal::None) return r;
  } else {
    std::memcpy(out, code.bytes, code.len);
  }
  fill_nops(out + code.len, site.len - code.len);
  return Refusal::None;
}

enum class Render { Ok, NoStub, Refused };

// The bytes alternative `alt` puts in the site, rendered to lie at `at` (the
// site itself, or an out-of-line copy of it); why not in `refusal`. `form`
// receives the backend's form for a call alternative.
Render render_alt(const SiteRecord& site, const AltRecord& alt, const Backend* backend,
                  std::uintptr_t at, std::uint8_t* out, Refusal& refusal,
                  SiteCode::Form* form = nullptr) {
  if (alt.kind == AltKind::Bytes) {
    refusal =
        relocate_code(reinterpret_cast<const std::uint8_t*>(alt.repl_address()), alt.len, at, out)
            .refusal;
    if (refusal != Refusal::None) return Render::Refused;
    fill_nops(out + alt.len, site.len - alt.len);
    return Render::Ok;
  }
  if (backend == nullptr) return Render::NoStub;
  const SiteCode code =
      backend->code(CallSite{site.op, site.constant, site.has_constant(), alt.kind, site.len});
  if (form != nullptr) *form = code.form;
  if (code.form == SiteCode::Form::None) return Render::NoStub;
  refusal = render_code(site, alt, code, at, out);
  return refusal == Refusal::None ? Render::Ok : Render::Refused;
}

// The copy of the original was assembled in altpv_repl: relocated to `at`
// like an alternative, it is what the text held there before patching.
Refusal render_original(const SiteRecord& site, std::uintptr_t at, std::uint8_t* out) {
  return relocate_code(reinterpret_cast<const std::uint8_t*>(site.orig_address()), site.len, at,
                       out)
      .refusal;
}

Refusal validate_alt(const SiteTable& table, const SiteRecord& site, const AltRecord& alt) {
  // An unnamed bit is as wrong as one out of range: no override can set it,
  // so the table was built against features this engine does not know.
  if (alt.cond != ALTPV_COND_ALWAYS && feature_name(alt.cond & ~ALTPV_COND_NOT) == nullptr) {
    return Refusal::BadCondition;
  }
  if (alt.len > site.len) return Refusal::AltLongerThanSite;
  // Bytes alternatives are all replacement; call alternatives carry setup
  // bytes (possibly none) before the synthesised call.
  std::size_t repl_len = alt.len;
  switch (alt.kind) {
    case AltKind::Bytes:
      break;
    case AltKind::Call:
    case AltKind::CallSkipRedZone:
      if (alt.len < call_length(alt.kind)) return Refusal::BadAltKind;
      repl_len = alt.len - call_length(alt.kind);
      break;
    default:
      return Refusal::BadAltKind;
  }
  return in_range(alt.repl_address(), repl_len, addr(table.repl_begin), addr(table.repl_end))
             ? Refusal::None
             : Refusal::ReplOutOfRange;
}

}  // namespace

std::size_t call_length(AltKind kind) {
  switch (kind) {
    case AltKind::Call:
      return ALTPV_CALL_LENGTH;
    case AltKind::CallSkipRedZone:
      return ALTPV_CALL_RZ_LENGTH;
    case AltKind::Bytes:
      break;
  }
  return 0;
}

bool decode_rendered_call(const SiteRecord& site, const AltRecord& alt, const std::uint8_t* bytes,
                          std::uintptr_t address, std::uintptr_t* target, SiteCode::Form form) {
  if (alt.kind == AltKind::Bytes) return false;
  std::size_t pos = 0;
  if (form == SiteCode::Form::Call) {
    pos = alt.len - call_length(alt.kind);
    std::uint8_t setup[kMaxSiteLength];
    if (relocate_code(reinterpret_cast<const std::uint8_t*>(alt.repl_address()), pos, address,
                      setup)
                .refusal != Refusal::None ||
        std::memcmp(bytes, setup, pos) != 0) {
      return false;
    }
  } else if (form != SiteCode::Form::BareCall) {
    return false;
  }
  if (alt.kind == AltKind::CallSkipRedZone) {
    if (std::memcmp(bytes + pos, kLeaRspMinus128, sizeof kLeaRspMinus128) != 0) return false;
    pos += sizeof kLeaRspMinus128;
  }
  if (bytes[pos] != kCallRel32) return false;
  const std::size_t end = pos + 5;
  std::uint8_t fill[kMaxSiteLength];
  fill_nops(fill, site.len - end);
  if (std::memcmp(bytes + end, fill, site.len - end) != 0) return false;
  std::int32_t rel;
  std::memcpy(&rel, bytes + pos + 1, sizeof rel);
  *target = address + end + static_cast<std::intptr_t>(rel);
  return true;
}

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::Patch:
      return "patched";
    case Verdict::Unchanged:
      return "unchanged";
    case Verdict::Refused:
      return "REFUSED";
  }
  return "?";
}

const char* refusal_name(Refusal r) {
  switch (r) {
    case Refusal::None:
      return "none";
    case Refusal::SiteOutOfText:
      return "site outside the text range";
    case Refusal::ZeroLength:
      return "zero-length site";
    case Refusal::TooLong:
      return "site longer than the format allows";
    case Refusal::AltsOutOfRange:
      return "alternative records outside altpv_alts";
    case Refusal::ReplOutOfRange:
      return "replacement bytes outside altpv_repl";
    case Refusal::AltLongerThanSite:
      return "alternative longer than the site";
    case Refusal::BadAltKind:
      return "unknown alternative kind or call length";
    case Refusal::BadCondition:
      return "condition names no feature";
    case Refusal::ReservedBits:
      return "reserved bytes or undefined flag bits set in the record";
    case Refusal::Overlap:
      return "site overlaps another site";
    case Refusal::Duplicate:
      return "site described twice";
    case Refusal::UnknownBytes:
      return "site holds neither its original nor a known alternative";
    case Refusal::CallOutOfRange:
      return "stub out of rel32 range";
    case Refusal::NoBackend:
      return "pv call alternative, but no backend was given";
    case Refusal::BackendNotReady:
      return "backend not ready (no handler set)";
    case Refusal::Undecodable:
      return "bytes copied into the site do not decode into whole instructions";
    case Refusal::RelocOutOfRange:
      return "relocated branch or RIP-relative displacement out of range";
    case Refusal::WriteFailed:
      return "write failed";
    case Refusal::NoSuchChoice:
      return "the chosen alternative does not exist or has no stub";
    case Refusal::InlineTooLong:
      return "backend's inline bytes longer than the site";
  }
  return "?";
}

bool condition_holds(std::uint16_t cond, const FeatureSet& features) {
  if (cond == ALTPV_COND_ALWAYS) return true;
  const bool has = features.has_bit(cond & ~ALTPV_COND_NOT);
  return (cond & ALTPV_COND_NOT) != 0 ? !has : has;
}

Refusal validate_site(const SiteTable& table, std::size_t index) {
  const SiteRecord& site = table.sites_begin[index];
  // A record using bits this engine does not define was written for another
  // format version: it cannot be verified, so it is not trusted.
  if ((site.flags & ~kSiteHasConstant) != 0 ||
      (site.reserved[0] | site.reserved[1] | site.reserved[2]) != 0) {
    return Refusal::ReservedBits;
  }
  if (site.len == 0) return Refusal::ZeroLength;
  if (site.len > kMaxSiteLength) return Refusal::TooLong;
  // altpv_repl is executable (as Linux's .altinstr_replacement is, so that
  // assemblers keep line information), so it may lie inside the text range;
  // a site must never point into it.
  const std::uintptr_t site_addr = site.site_address();
  if (!in_range(site_addr, site.len, table.text_begin, table.text_end) ||
      (site_addr < addr(table.repl_end) && site_addr + site.len > addr(table.repl_begin))) {
    return Refusal::SiteOutOfText;
  }
  if (!in_range(site.orig_address(), site.len, addr(table.repl_begin), addr(table.repl_end))) {
    return Refusal::ReplOutOfRange;
  }
  const std::uintptr_t alts = site.alts_address();
  if (!in_range(alts, std::size_t{site.nalts} * sizeof(AltRecord), addr(table.alts_begin),
                addr(table.alts_end)) ||
      (alts - addr(table.alts_begin)) % alignof(AltRecord) != 0) {
    return Refusal::AltsOutOfRange;
  }
  for (std::size_t i = 0; i < site.nalts; ++i) {
    const Refusal r = validate_alt(table, site, *alt_at(site, i));
    if (r != Refusal::None) return r;
  }
  return Refusal::None;
}

namespace {

// A decision for site `index` with its bytes read, or refused when the
// record is invalid; new_bytes start as the original.
Decision begin_decision(const SiteTable& table, std::size_t index) {
  const SiteRecord& site = table.sites_begin[index];
  Decision d;
  d.index = index;
  d.address = site.site_address();
  d.op = site.op;
  d.constant = site.constant;
  d.has_constant = site.has_constant();
  d.len = site.len;
  d.refusal = validate_site(table, index);
  if (d.refusal != Refusal::None) {
    // Bytes outside the checked ranges are never read, not even for the report.
    d.len = 0;
    return d;
  }
  std::memcpy(d.old_bytes, reinterpret_cast<const void*>(d.address), site.len);
  d.refusal = render_original(site, d.address, d.new_bytes);
  return d;
}

// Fail safe: only a site holding bytes we know may be rewritten. Sets the
// verdict of a decision whose new_bytes are final.
void finish_decision(const SiteRecord& site, const Backend* backend, Decision& d) {
  std::uint8_t candidate[kMaxSiteLength];
  bool known = render_original(site, d.address, candidate) == Refusal::None &&
               std::memcmp(d.old_bytes, candidate, site.len) == 0;
  for (std::size_t i = 0; !known && i < site.nalts; ++i) {
    Refusal unrenderable;
    known = render_alt(site, *alt_at(site, i), backend, d.address, candidate, unrenderable) ==
                Render::Ok &&
            std::memcmp(d.old_bytes, candidate, site.len) == 0;
  }
  if (!known) {
    d.refusal = Refusal::UnknownBytes;
    return;
  }
  d.verdict =
      std::memcmp(d.old_bytes, d.new_bytes, site.len) == 0 ? Verdict::Unchanged : Verdict::Patch;
}

}  // namespace

Decision plan_site(const SiteTable& table, std::size_t index, const FeatureSet& features,
                   const Backend* backend) {
  Decision d = begin_decision(table, index);
  if (d.refusal != Refusal::None) return d;
  const SiteRecord& site = table.sites_begin[index];

  // Selection: first alternative whose condition holds and that can be
  // rendered; the original if none.
  for (std::size_t i = 0; i < site.nalts; ++i) {
    const AltRecord& alt = *alt_at(site, i);
    if (!condition_holds(alt.cond, features)) continue;
    if (alt.kind != AltKind::Bytes && backend == nullptr && features.has(Feature::Pv)) {
      d.refusal = Refusal::NoBackend;
      return d;
    }
    const Render r = render_alt(site, alt, backend, d.address, d.new_bytes, d.refusal, &d.form);
    if (r != Render::NoStub && alt.kind != AltKind::Bytes && !backend->ready()) {
      d.refusal = Refusal::BackendNotReady;
      return d;
    }
    if (r == Render::NoStub) continue;
    d.chosen = static_cast<int>(i);
    d.cond = alt.cond;
    d.kind = alt.kind;
    if (r == Render::Refused) return d;  // the report names the alternative
    break;
  }
  finish_decision(site, backend, d);
  return d;
}

Decision plan_choice(const SiteTable& table, std::size_t index, int chosen,
                     const Backend* backend) {
  Decision d = begin_decision(table, index);
  if (d.refusal != Refusal::None) return d;
  const SiteRecord& site = table.sites_begin[index];
  if (chosen != kOriginal) {
    if (chosen < 0 || chosen >= site.nalts) {
      d.refusal = Refusal::NoSuchChoice;
      return d;
    }
    const AltRecord& alt = *alt_at(site, static_cast<std::size_t>(chosen));
    const Render r = render_alt(site, alt, backend, d.address, d.new_bytes, d.refusal, &d.form);
    if (r == Render::Ok && alt.kind != AltKind::Bytes && !backend->ready()) {
      d.refusal = Refusal::BackendNotReady;
      return d;
    }
    if (r == Render::NoStub) d.refusal = Refusal::NoSuchChoice;
    if (r != Render::Ok) return d;
    d.chosen = chosen;
    d.cond = alt.cond;
    d.kind = alt.kind;
  }
  finish_decision(site, backend, d);
  return d;
}

bool render_choice_at(const SiteTable& table, std::size_t index, int chosen, const Backend* backend,
                      std::uintptr_t at, std::uint8_t* out) {
  if (validate_site(table, index) != Refusal::None) return false;
  const SiteRecord& site = table.sites_begin[index];
  if (chosen == kOriginal) return render_original(site, at, out) == Refusal::None;
  if (chosen < 0 || chosen >= site.nalts) return false;
  Refusal refusal;
  return render_alt(site, *alt_at(site, static_cast<std::size_t>(chosen)), backend, at, out,
                    refusal) == Render::Ok;
}

}  // namespace altpv
