// SPDX-License-Identifier: MIT
// Fuzz target: plan_site() and apply() over arbitrary site tables.
//
// The input describes a table laid out in one static arena: its text,
// records, alternatives and replacement bytes, the feature set and the
// backend. Each record pointer is (region, offset), so most inputs reach the
// planner's deeper checks; region 4 makes it a wild 32-bit offset instead.
// Input format (little-endian; missing bytes read as zero):
//   u8 features     bit i: feature i for i < 7, bit 7: pv
//   u8 backend      bits 0-1: none, near stub, no stub, far stub;
//                   bit 2: not ready; bits 3-5: fail the Nth write (0: never);
//                   bit 6: scratch one entry short
//   u16 stub        offset of the near stub from the start of text
//   u8 sites        record count, mod 17
//   u8 alts         alternative count, mod 33
//   u8 text_len     bytes of text in the table
//   u16 repl_len    bytes of altpv_repl in the table, mod 513
//   sites x { ptr site, ptr orig, ptr alts, u32 constant, u16 op, u8 len,
//             u8 nalts, u8 flags, u8 reserved[3] }         ptr = u8 region, u16 offset
//   alts x  { ptr repl, u16 cond, u8 kind, u8 len }
//   text bytes, then replacement bytes
// Bytes outside the table's regions are poisoned, so a read of anything the
// table does not describe is an AddressSanitizer report.
//
// After apply() it checks what the engine promises: writes only inside the
// text range, never two writes over the same byte, counts that add up, one
// decision per site in address order, every patched site valid, overlapping
// no other record and holding exactly its chosen form, every other byte
// unchanged, and a second apply() that writes nothing.
#include <sanitizer/asan_interface.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "altpv/engine/nop_fill.h"
#include "altpv/patcher.h"
#include "fuzz_input.h"

namespace {

using namespace altpv;
using altpv::fuzz::FuzzInput;
using altpv::fuzz::require;

constexpr std::size_t kMaxSites = 16;
constexpr std::size_t kMaxAlts = 32;
constexpr std::size_t kTextSize = 256;
constexpr std::size_t kReplSize = 512;

// One block, so that offsets between regions are the same in every run and
// an input means the same table each time.
struct Arena {
  alignas(8) std::uint8_t text[kTextSize];
  SiteRecord sites[kMaxSites];
  AltRecord alts[kMaxAlts];
  std::uint8_t repl[kReplSize];
};
Arena arena;

std::uintptr_t addr(const void* p) {
  return reinterpret_cast<std::uintptr_t>(p);
}

void point(std::int32_t& field, std::uintptr_t target) {
  field = static_cast<std::int32_t>(static_cast<std::intptr_t>(target - addr(&field)));
}

void read_pointer(FuzzInput& in, std::int32_t& field) {
  const std::uint8_t region = in.u8();
  const auto offset = static_cast<std::int16_t>(in.u16());
  const std::uintptr_t bases[] = {addr(arena.text), addr(arena.sites), addr(arena.alts),
                                  addr(arena.repl)};
  if (region % 5 == 4) {
    field = static_cast<std::int32_t>(static_cast<std::uint32_t>(offset) << 16);
  } else {
    point(field, bases[region % 5] + static_cast<std::intptr_t>(offset));
  }
}

class FuzzBackend final : public Backend {
 public:
  FuzzBackend(const void* stub, bool ready) : stub_(stub), ready_(ready) {}
  const void* stub(std::uint16_t, std::uint32_t, bool, AltKind) const override { return stub_; }
  const char* name() const override { return "fuzz"; }
  bool ready() const override { return ready_; }

 private:
  const void* stub_;
  bool ready_;
};

struct Write {
  std::uintptr_t address;
  std::vector<std::uint8_t> bytes;
};

class CheckingWriter final : public TextWriter {
 public:
  CheckingWriter(const SiteTable& table, unsigned fail_nth) : table_(table), fail_nth_(fail_nth) {}

  bool write(std::uintptr_t address, const std::uint8_t* bytes, std::size_t len) override {
    require(address >= table_.text_begin && address <= table_.text_end &&
                len <= table_.text_end - address,
            "a write lands outside the text range");
    for (const Write& w : writes) {
      require(address + len <= w.address || w.address + w.bytes.size() <= address,
              "two writes overlap");
    }
    if (++calls_ == fail_nth_) {
      failed = true;
      return false;
    }
    writes.push_back({address, {bytes, bytes + len}});
    std::memcpy(reinterpret_cast<void*>(address), bytes, len);
    return true;
  }
  void sync() override { ++syncs; }

  std::vector<Write> writes;
  int syncs = 0;
  bool failed = false;

 private:
  const SiteTable& table_;
  unsigned fail_nth_;
  unsigned calls_ = 0;
};

class Collector final : public DecisionObserver {
 public:
  void on_decision(const Decision& d) override { decisions.push_back(d); }
  std::vector<Decision> decisions;
};

// The bytes `d` must put in its site, rebuilt from the records.
bool holds_chosen_form(const SiteRecord& site, const Decision& d, const void* stub) {
  const auto* orig = reinterpret_cast<const std::uint8_t*>(site.orig_address());
  if (d.chosen == kOriginal) return std::memcmp(d.new_bytes, orig, site.len) == 0;
  if (d.chosen < 0 || d.chosen >= site.nalts) return false;
  const AltRecord& alt = reinterpret_cast<const AltRecord*>(site.alts_address())[d.chosen];
  if (alt.kind != d.kind || alt.cond != d.cond) return false;
  if (alt.kind == AltKind::Bytes) {
    std::uint8_t want[kMaxSiteLength];
    std::memcpy(want, reinterpret_cast<const void*>(alt.repl_address()), alt.len);
    fill_nops(want + alt.len, site.len - alt.len);
    return std::memcmp(d.new_bytes, want, site.len) == 0;
  }
  std::uintptr_t target = 0;
  return decode_rendered_call(site, alt, d.new_bytes, d.address, &target) && target == addr(stub);
}

bool overlaps_another_record(const SiteTable& table, std::size_t index) {
  const SiteRecord& r = table.sites_begin[index];
  for (std::size_t j = 0; j < table.size(); ++j) {
    const SiteRecord& o = table.sites_begin[j];
    if (j != index && o.site_address() < r.site_address() + r.len &&
        r.site_address() < o.site_address() + o.len) {
      return true;
    }
  }
  return false;
}

void poison_unused(const SiteTable& t) {
  ASAN_POISON_MEMORY_REGION(arena.text + (t.text_end - t.text_begin),
                            kTextSize - (t.text_end - t.text_begin));
  ASAN_POISON_MEMORY_REGION(t.sites_end,
                            sizeof arena.sites - (addr(t.sites_end) - addr(arena.sites)));
  ASAN_POISON_MEMORY_REGION(t.alts_end, sizeof arena.alts - (addr(t.alts_end) - addr(arena.alts)));
  ASAN_POISON_MEMORY_REGION(t.repl_end, kReplSize - (t.repl_end - arena.repl));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ASAN_UNPOISON_MEMORY_REGION(&arena, sizeof arena);
  std::memset(&arena, 0, sizeof arena);
  FuzzInput in(data, size);

  const std::uint8_t feature_byte = in.u8();
  FeatureSet features;
  for (unsigned bit = 0; bit < 7; ++bit) {
    if ((feature_byte >> bit & 1) != 0) features = FeatureSet(features.bits() | 1ull << bit);
  }
  if ((feature_byte & 0x80) != 0) features.set(Feature::Pv);
  const std::uint8_t backend_byte = in.u8();
  const std::uint16_t stub_offset = in.u16();
  const std::size_t n_sites = in.u8() % (kMaxSites + 1);
  const std::size_t n_alts = in.u8() % (kMaxAlts + 1);
  const std::size_t text_len = in.u8();
  const std::size_t repl_len = in.u16() % (kReplSize + 1);

  for (std::size_t i = 0; i < n_sites; ++i) {
    SiteRecord& r = arena.sites[i];
    read_pointer(in, r.site);
    read_pointer(in, r.orig);
    read_pointer(in, r.alts);
    r.constant = in.u32();
    r.op = in.u16();
    r.len = in.u8();
    r.nalts = in.u8();
    r.flags = in.u8();
    for (std::uint8_t& b : r.reserved) b = in.u8();
  }
  for (std::size_t i = 0; i < n_alts; ++i) {
    AltRecord& a = arena.alts[i];
    read_pointer(in, a.repl);
    a.cond = in.u16();
    a.kind = static_cast<AltKind>(in.u8());
    a.len = in.u8();
  }
  const auto text = in.bytes(text_len);
  std::copy(text.begin(), text.end(), arena.text);
  const auto repl = in.bytes(repl_len);
  std::copy(repl.begin(), repl.end(), arena.repl);

  SiteTable table;
  table.sites_begin = arena.sites;
  table.sites_end = arena.sites + n_sites;
  table.alts_begin = arena.alts;
  table.alts_end = arena.alts + n_alts;
  table.repl_begin = arena.repl;
  table.repl_end = arena.repl + repl_len;
  table.text_begin = addr(arena.text);
  table.text_end = addr(arena.text) + text_len;

  // Near: inside rel32 reach of every site; far: beyond it.
  const void* stub = nullptr;
  switch (backend_byte & 3) {
    case 1:
      stub = reinterpret_cast<const void*>(addr(arena.text) + stub_offset);
      break;
    case 3:
      stub = reinterpret_cast<const void*>(addr(arena.text) + (std::uintptr_t{1} << 33));
      break;
    default:
      break;
  }
  const FuzzBackend fuzz_backend(stub, (backend_byte & 4) == 0);
  const Backend* backend = (backend_byte & 3) == 0 ? nullptr : &fuzz_backend;
  const unsigned fail_nth = backend_byte >> 3 & 7;
  const bool short_scratch = (backend_byte & 0x40) != 0 && n_sites > 0;

  poison_unused(table);
  std::uint8_t before[kTextSize];
  std::memcpy(before, arena.text, text_len);

  CheckingWriter writer(table, fail_nth);
  Collector observer;
  std::vector<std::uint32_t> scratch(n_sites - (short_scratch ? 1 : 0));
  const ApplyStats stats = apply(table, features, backend, writer, scratch, &observer);

  require(stats.sites == n_sites, "stats.sites is not the table size");
  if (short_scratch) {
    require(stats.table_rejected, "a short scratch did not reject the table");
    require(writer.writes.empty() && writer.syncs == 0 && observer.decisions.empty(),
            "a rejected table was written or reported");
    return 0;
  }
  require(!stats.table_rejected, "a table with enough scratch was rejected");
  require(stats.patched + stats.unchanged + stats.refused == stats.sites,
          "patched + unchanged + refused is not the number of sites");
  require(observer.decisions.size() == n_sites, "not one decision per site");
  require(writer.writes.size() == stats.patched, "the writes are not the patched sites");
  require(writer.syncs == (writer.writes.empty() ? 0 : 1), "sync() not called once after writes");

  std::vector<bool> seen(n_sites, false);
  std::uintptr_t last = 0;
  std::size_t next_write = 0;
  for (const Decision& d : observer.decisions) {
    require(d.index < n_sites && !seen[d.index], "a site decided twice or not at all");
    seen[d.index] = true;
    require(d.address == table.sites_begin[d.index].site_address(), "decision address is wrong");
    require(d.address >= last, "decisions not in address order");
    last = d.address;
    require((d.verdict == Verdict::Refused) == (d.refusal != Refusal::None),
            "verdict and refusal disagree");
    if (d.verdict != Verdict::Patch) continue;
    const SiteRecord& site = table.sites_begin[d.index];
    require(validate_site(table, d.index) == Refusal::None, "an invalid record was patched");
    require(!overlaps_another_record(table, d.index), "a site overlapping another was patched");
    require(std::memcmp(d.old_bytes, before + (d.address - table.text_begin), site.len) == 0,
            "old bytes are not what the text held");
    require(holds_chosen_form(site, d, stub), "a patched site does not hold its chosen form");
    require(next_write < writer.writes.size() && writer.writes[next_write].address == d.address &&
                std::equal(writer.writes[next_write].bytes.begin(),
                           writer.writes[next_write].bytes.end(), d.new_bytes, d.new_bytes + d.len),
            "a write is not its decision's new bytes");
    ++next_write;
  }
  // Every byte outside the writes is as it was.
  std::vector<bool> written(text_len, false);
  for (const Write& w : writer.writes) {
    for (std::size_t i = 0; i < w.bytes.size(); ++i)
      written[w.address - table.text_begin + i] = true;
  }
  for (std::size_t i = 0; i < text_len; ++i) {
    require(written[i] || arena.text[i] == before[i], "a byte outside the writes changed");
  }

  // Patching is idempotent: the same plan again finds every site done.
  if (!writer.failed) {
    CheckingWriter again(table, 0);
    Collector second;
    const ApplyStats repeat = apply(table, features, backend, again, scratch, &second);
    require(again.writes.empty() && repeat.patched == 0, "a second apply() wrote again");
    require(repeat.refused == stats.refused, "a second apply() refused other sites");
  }
  return 0;
}
