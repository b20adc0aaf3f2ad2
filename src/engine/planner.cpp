// SPDX-License-Identifier: MIT
#include "altpv/engine/planner.h"

#include <cstring>

#include "altpv/engine/nop_fill.h"

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

// Writes `call rel32` to `stub` at out[pos], for bytes that will lie at
// `at`. False if the stub is out of rel32 reach.
bool put_call(std::uintptr_t at, std::size_t pos, const void* stub, std::uint8_t* out) {
  // rel32 counts from the end of the call instruction.
  const std::uintptr_t next = at + pos + 5;
  const auto disp = static_cast<std::int64_t>(addr(stub) - next);
  if (disp < INT32_MIN || disp > INT32_MAX) return false;
  const auto rel = static_cast<std::int32_t>(disp);
  out[pos] = kCallRel32;
  std::memcpy(out + pos + 1, &rel, sizeof rel);
  return true;
}

enum class Render { Ok, NoStub, OutOfRange, TooLong };

// Renders what the backend supplies for call alternative `alt`, as it must
// lie at `at`, into `out` (site.len bytes): its setup bytes unless the code
// is a bare call, then `[lea -128(%rsp),%rsp;] call rel32`, or the
// backend's inline bytes; then NOP fill.
Render render_code(const SiteRecord& site, const AltRecord& alt, const SiteCode& code,
                   std::uintptr_t at, std::uint8_t* out) {
  std::size_t pos = 0;
  switch (code.form) {
    case SiteCode::Form::None:
      return Render::NoStub;
    case SiteCode::Form::Inline:
      if (code.len > site.len) return Render::TooLong;
      std::memcpy(out, code.bytes, code.len);
      fill_nops(out + code.len, site.len - code.len);
      return Render::Ok;
    case SiteCode::Form::Call:
      pos = alt.len - call_length(alt.kind);
      std::memcpy(out, reinterpret_cast<const void*>(alt.repl_address()), pos);
      break;
    case SiteCode::Form::BareCall:
      break;
  }
  if (alt.kind == AltKind::CallSkipRedZone) {
    std::memcpy(out + pos, kLeaRspMinus128, sizeof kLeaRspMinus128);
    pos += sizeof kLeaRspMinus128;
  }
  if (!put_call(at, pos, code.stub, out)) return Render::OutOfRange;
  pos += 5;
  fill_nops(out + pos, site.len - pos);
  return Render::Ok;
}

// The bytes alternative `alt` puts in the site, rendered to lie at `at` (the
// site itself, or an out-of-line copy of it); `form` receives the backend's
// form for a call alternative.
Render render_alt(const SiteRecord& site, const AltRecord& alt, const Backend* backend,
                  std::uintptr_t at, std::uint8_t* out, SiteCode::Form* form = nullptr) {
  if (alt.kind == AltKind::Bytes) {
    std::memcpy(out, reinterpret_cast<const void*>(alt.repl_address()), alt.len);
    fill_nops(out + alt.len, site.len - alt.len);
    return Render::Ok;
  }
  if (backend == nullptr) return Render::NoStub;
  const SiteCode code =
      backend->code(CallSite{site.op, site.constant, site.has_constant(), alt.kind, site.len});
  if (form != nullptr) *form = code.form;
  return render_code(site, alt, code, at, out);
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
    if (std::memcmp(bytes, reinterpret_cast<const void*>(alt.repl_address()), pos) != 0) {
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
    case Refusal::Overlap:
      return "site overlaps another site";
    case Refusal::Duplicate:
      return "site described twice";
    case Refusal::UnknownBytes:
      return "site holds neither its original nor a known alternative";
    case Refusal::CallOutOfRange:
      return "stub out of rel32 range";
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
  std::memcpy(d.new_bytes, reinterpret_cast<const void*>(site.orig_address()), site.len);
  return d;
}

// Fail safe: only a site holding bytes we know may be rewritten. Sets the
// verdict of a decision whose new_bytes are final.
void finish_decision(const SiteRecord& site, const Backend* backend, Decision& d) {
  const auto* orig = reinterpret_cast<const std::uint8_t*>(site.orig_address());
  bool known = std::memcmp(d.old_bytes, orig, site.len) == 0;
  std::uint8_t candidate[kMaxSiteLength];
  for (std::size_t i = 0; !known && i < site.nalts; ++i) {
    known = render_alt(site, *alt_at(site, i), backend, d.address, candidate) == Render::Ok &&
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
    const Render r = render_alt(site, alt, backend, d.address, d.new_bytes, &d.form);
    if (r == Render::NoStub) continue;
    if (r != Render::Ok) {
      d.refusal = r == Render::OutOfRange ? Refusal::CallOutOfRange : Refusal::InlineTooLong;
      return d;
    }
    d.chosen = static_cast<int>(i);
    d.cond = alt.cond;
    d.kind = alt.kind;
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
    const Render r = render_alt(site, alt, backend, d.address, d.new_bytes, &d.form);
    switch (r) {
      case Render::Ok:
        break;
      case Render::NoStub:
        d.refusal = Refusal::NoSuchChoice;
        return d;
      case Render::OutOfRange:
        d.refusal = Refusal::CallOutOfRange;
        return d;
      case Render::TooLong:
        d.refusal = Refusal::InlineTooLong;
        return d;
    }
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
  if (chosen == kOriginal) {
    std::memcpy(out, reinterpret_cast<const void*>(site.orig_address()), site.len);
    return true;
  }
  if (chosen < 0 || chosen >= site.nalts) return false;
  return render_alt(site, *alt_at(site, static_cast<std::size_t>(chosen)), backend, at, out) ==
         Render::Ok;
}

}  // namespace altpv
