// SPDX-License-Identifier: MIT
#include "altpv/engine/report.h"

#include "altpv/engine/text_buffer.h"

namespace altpv {
namespace {

void condition(TextBuffer& out, std::uint16_t cond) {
  if (cond == ALTPV_COND_ALWAYS) {
    out.str("always");
    return;
  }
  if ((cond & ALTPV_COND_NOT) != 0) out.chr('!');
  const unsigned bit = cond & ~ALTPV_COND_NOT;
  const char* name = feature_name(bit);
  if (name != nullptr) {
    out.str(name);
  } else {
    out.str("bit").dec(bit);
  }
}

}  // namespace

const char* alt_kind_name(AltKind kind) {
  switch (kind) {
    case AltKind::Bytes:
      return "bytes";
    case AltKind::Call:
      return "call";
    case AltKind::CallSkipRedZone:
      return "call/rz";
  }
  return "?";
}

std::size_t format_condition(std::uint16_t cond, char* buf, std::size_t size) {
  TextBuffer out(buf, size);
  condition(out, cond);
  return out.length();
}

std::size_t format_report_header(const FeatureSet& features, const Backend* backend, char* buf,
                                 std::size_t size) {
  // Room for every feature name; the set has at most ALTPV_FEATURE_COUNT.
  char names[256];
  const bool any = format_features(features, names, sizeof names) != 0;
  TextBuffer out(buf, size);
  out.str("altpv: features ").str(any ? names : "none");
  out.str("; backend ").str(backend != nullptr ? backend->name() : "none");
  return out.length();
}

std::size_t format_summary(const ApplyStats& stats, char* buf, std::size_t size) {
  TextBuffer out(buf, size);
  out.str("altpv: ").dec(stats.sites).str(" sites: ");
  if (stats.table_rejected) {
    out.str("table rejected (more sites than scratch entries), nothing patched");
    return out.length();
  }
  const std::size_t alternative = stats.sites - stats.refused - stats.original;
  out.dec(alternative).str(" patched, ").dec(stats.original).str(" kept original, ");
  out.dec(stats.refused).str(" refused (").dec(stats.patched).str(" rewritten)");
  return out.length();
}

// altpv: site 3 @0x401a2c <read_aux+0xc> op 0 len 8: alt 0 [rdpid] bytes
//        b9 7b 00 00 00 0f 03 c9 -> f3 0f c7 f9 0f 1f 40 00 patched
std::size_t format_decision(const Decision& d, const char* where, char* buf, std::size_t size) {
  TextBuffer out(buf, size);
  out.str("altpv: site ").dec(d.index).str(" @0x").hex(d.address);
  if (where != nullptr) out.str(" <").str(where).chr('>');
  out.str(" op ").dec(d.op);
  if (d.has_constant) out.str(" const 0x").hex(d.constant);
  out.str(" len ").dec(d.len).str(": ");
  if (d.chosen == kOriginal) {
    out.str("original");
  } else {
    out.str("alt ").dec(static_cast<std::uint64_t>(d.chosen)).str(" [");
    condition(out, d.cond);
    out.str("] ").str(alt_kind_name(d.kind));
    // A call alternative the backend turned into something other than a call
    // with the site's setup.
    if (d.form == SiteCode::Form::BareCall) out.str(":bare");
    if (d.form == SiteCode::Form::Inline) out.str(":inline");
  }
  if (d.len != 0) {
    out.str(" | ").bytes(d.old_bytes, d.len);
    if (d.verdict != Verdict::Refused) out.str(" -> ").bytes(d.new_bytes, d.len);
  }
  out.chr(' ').str(verdict_name(d.verdict));
  if (d.verdict == Verdict::Refused) out.str(": ").str(refusal_name(d.refusal));
  return out.length();
}

}  // namespace altpv
