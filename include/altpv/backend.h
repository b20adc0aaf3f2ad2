// SPDX-License-Identifier: MIT
// A backend supplies what call alternatives are patched to: a call to a stub,
// or bytes of its own that do the op without a call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "altpv/engine/site_records.h"

namespace altpv {

// The site a call alternative is about to be rendered for.
struct CallSite {
  std::uint16_t op = 0;
  std::uint32_t constant = 0;  // meaningful when has_constant (e.g. an MSR index)
  bool has_constant = false;
  AltKind kind = AltKind::Call;  // the call shape the site was declared with
  std::uint8_t len = 0;          // bytes the site has room for
};

// What a backend puts in a call alternative's site. Built with the factory
// functions; the engine renders it, fills the rest of the site with NOPs, and
// recognises the same rendering when it verifies a site before re-patching.
struct SiteCode {
  enum class Form : std::uint8_t {
    None,      // no code for this site: the alternative does not match
    Call,      // the alternative's setup bytes, then a call to `stub`
    BareCall,  // a call to `stub` without the setup: the stub knows the constant
    Inline,    // `bytes` instead of a call (nothing but NOPs when len is 0)
  };
  Form form = Form::None;
  const void* stub = nullptr;  // Call, BareCall
  std::uint8_t len = 0;        // Inline: how many of `bytes`
  std::uint8_t bytes[kMaxSiteLength] = {};
  // Inline: where `bytes` were assembled, when they may branch outside
  // themselves (e.g. to an out-of-line stub); the engine relocates them from
  // there like a replacement. Null: copied as they are.
  const void* origin = nullptr;

  static constexpr SiteCode none() { return {}; }
  static constexpr SiteCode call(const void* stub) {
    SiteCode c;
    c.form = stub != nullptr ? Form::Call : Form::None;
    c.stub = stub;
    return c;
  }
  static constexpr SiteCode bare_call(const void* stub) {
    SiteCode c;
    c.form = stub != nullptr ? Form::BareCall : Form::None;
    c.stub = stub;
    return c;
  }
  // Position-independent instructions only: they are copied, not relocated.
  // More than kMaxSiteLength bytes yield a code no site can hold.
  static SiteCode inline_bytes(const void* bytes, std::size_t len) {
    SiteCode c = nops();
    c.len = static_cast<std::uint8_t>(len > kMaxSiteLength ? kMaxSiteLength + 1 : len);
    if (len <= kMaxSiteLength) std::memcpy(c.bytes, bytes, len);
    return c;
  }
  // Code assembled at `code` (`len` bytes), relocated into the site from
  // there: it may call or jump outside itself, and address memory relative
  // to RIP (docs/site-format.md, "Relocation").
  static SiteCode inline_code(const void* code, std::size_t len) {
    SiteCode c = inline_bytes(code, len);
    c.origin = code;
    return c;
  }
  // The op done by nothing at all: the whole site becomes NOPs.
  static constexpr SiteCode nops() {
    SiteCode c;
    c.form = Form::Inline;
    return c;
  }
};

class Backend {
 public:
  // The stub for a site of `op` (with its site constant, when it has one) in
  // the call shape `kind`, or nullptr when this backend offers none. A
  // backend may return a per-constant stub (e.g. one MSR) so that the patched
  // call needs no dispatch on the constant at run time.
  virtual const void* stub(std::uint16_t /*op*/, std::uint32_t /*constant*/, bool /*has_constant*/,
                           AltKind /*kind*/) const {
    return nullptr;
  }

  // What the site gets. The default calls stub() with the site's own setup;
  // a backend overrides this to choose, per site, a bare call or inline bytes
  // (decided once, at patch time, from the op and the site constant).
  // Must be a pure function of `site`: the engine renders it again to
  // recognise a site it patched before.
  virtual SiteCode code(const CallSite& site) const {
    return SiteCode::call(stub(site.op, site.constant, site.has_constant, site.kind));
  }

  virtual const char* name() const = 0;
  // False while the backend cannot serve the stubs it hands out (e.g. a
  // handler they forward to is not set yet). A site whose chosen alternative
  // is such a call is then refused, not patched to a stub that would fail.
  virtual bool ready() const { return true; }

 protected:
  ~Backend() = default;
};

}  // namespace altpv
