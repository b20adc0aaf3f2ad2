// SPDX-License-Identifier: MIT
#include "site_checks.h"

#include <cstdint>
#include <cstring>
#include <span>
#include <string>

#include "altpv/hosted/process.h"
#include "altpv/op_ids.h"
#include "hosted/symbolizer.h"
#include "native_stub.h"

namespace altpv::bench {
namespace {

constexpr std::uint8_t kRdpidRcx[] = {0xf3, 0x0f, 0xc7, 0xf9};
constexpr std::uint8_t kRdfsbaseRax[] = {0xf3, 0x48, 0x0f, 0xae, 0xc0};
// lea -128(%rsp),%rsp; call rel32 (docs/site-format.md, "Call shapes").
constexpr std::uint8_t kSkipRedZone[] = {0x48, 0x8d, 0x64, 0x24, 0x80, 0xe8};
constexpr std::size_t kCallRzLength = sizeof kSkipRedZone + 4;

void dump(std::FILE* err, const SiteRecord& r, const char* what, const char* expected) {
  std::fprintf(err, "altpv-bench: site check failed: %s site @%#lx holds", what,
               static_cast<unsigned long>(r.site_address()));
  const auto* p = reinterpret_cast<const std::uint8_t*>(r.site_address());
  for (std::size_t i = 0; i < r.len; ++i) std::fprintf(err, " %02x", p[i]);
  std::fprintf(err, ", expected %s\n", expected);
}

bool starts_with(const SiteRecord& r, std::span<const std::uint8_t> bytes) {
  return r.len >= bytes.size() && std::memcmp(reinterpret_cast<const void*>(r.site_address()),
                                              bytes.data(), bytes.size()) == 0;
}

bool calls(const SiteRecord& r, const void* stub) {
  if (stub == nullptr || r.len < kCallRzLength || !starts_with(r, kSkipRedZone)) return false;
  std::int32_t rel;
  std::memcpy(&rel, reinterpret_cast<const void*>(r.site_address() + sizeof kSkipRedZone),
              sizeof rel);
  return r.site_address() + kCallRzLength + static_cast<std::intptr_t>(rel) ==
         reinterpret_cast<std::uintptr_t>(stub);
}

// The first byte of the function that covers `address`, from the symbol
// table; 0 when no symbol does. By address, not by name: the loops of the
// strategies share a mangled name (each op is in an anonymous namespace).
std::uintptr_t function_start(std::uintptr_t address) {
  const std::string where = hosted::describe_address(address);
  const std::size_t plus = where.rfind('+');
  if (plus == std::string::npos) return 0;
  return address - std::stoull(where.substr(plus + 1), nullptr, 16);
}

bool contains_site(const SiteTable& table, std::uintptr_t function) {
  for (const SiteRecord* r = table.sites_begin; r != table.sites_end; ++r) {
    if (function_start(r->site_address()) == function) return true;
  }
  return false;
}

bool check_inlined(const SiteTable& table, std::span<const InlinedSiteLoop> loops, std::FILE* err) {
  bool ok = true;
  for (const InlinedSiteLoop& l : loops) {
    const auto loop = reinterpret_cast<std::uintptr_t>(l.loop);
    if (function_start(loop) != loop) {
      std::fprintf(err, "altpv-bench: no symbols: cannot check that %s is inlined\n", l.what);
    } else if (!contains_site(table, loop)) {
      std::fprintf(err,
                   "altpv-bench: site check failed: the %s loop holds no site: "
                   "it calls an out-of-line copy\n",
                   l.what);
      ok = false;
    }
  }
  return ok;
}

}  // namespace

bool check_patched_sites(const Backend& pv_backend, bool fs_base,
                         std::span<const InlinedSiteLoop> loops, std::FILE* err) {
  const SiteTable table = hosted::process_site_table();
  std::size_t rdpid = 0, rdfsbase = 0, pv_cpu_number = 0, pv_fs_base = 0;
  bool ok = true;
  const auto fail = [&](const SiteRecord& r, const char* what, const char* expected) {
    ok = false;
    dump(err, r, what, expected);
  };
  for (const SiteRecord* r = table.sites_begin; r != table.sites_end; ++r) {
    const auto* alts = reinterpret_cast<const AltRecord*>(r->alts_address());
    const std::uint16_t first_cond = r->nalts > 0 ? alts[0].cond : ALTPV_COND_ALWAYS;
    if (r->op == ALTPV_OP_NONE && first_cond == ALTPV_FEATURE_RDPID) {
      ++rdpid;
      if (!starts_with(*r, kRdpidRcx)) fail(*r, "cpu_number", "rdpid %rcx");
    } else if (r->op == ALTPV_OP_NONE && first_cond == ALTPV_FEATURE_FSGSBASE && fs_base) {
      ++rdfsbase;
      if (!starts_with(*r, kRdfsbaseRax)) fail(*r, "fs_base", "rdfsbase %rax");
    } else if (is_pv_op(r->op)) {
      ++(is_fs_base_op(r->op) ? pv_fs_base : pv_cpu_number);
      const void* stub =
          pv_backend.stub(r->op, r->constant, r->has_constant(), AltKind::CallSkipRedZone);
      // A stub kind this CPU cannot run is skipped: its site keeps the original.
      if (stub == nullptr) continue;
      if (!calls(*r, stub)) fail(*r, "pv", "lea -128(%rsp),%rsp; call <stub>");
    }
  }
  if (rdpid == 0 || pv_cpu_number == 0 || pv_fs_base == 0 || (fs_base && rdfsbase == 0)) {
    std::fprintf(err, "altpv-bench: site check failed: benchmark sites missing from the table\n");
    ok = false;
  }
  return check_inlined(table, loops, err) && ok;
}

}  // namespace altpv::bench
