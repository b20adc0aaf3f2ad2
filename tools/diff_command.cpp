// SPDX-License-Identifier: MIT
// `diff`: which alternative each site of a patched dump holds (the testbed
// VMM's --dump-text writes the program's ELF with its text as patched).
#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "alternative_bytes.h"
#include "altpv/engine/planner.h"
#include "commands.h"
#include "disassembly_output.h"
#include "inspected_file.h"

namespace altpv::inspect {
namespace {

bool same_bytes(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

// The dump must be the same program: the same allocated layout and the same
// site tables. Other contents may differ: a dump of a booted image holds
// whatever its executable segments held at the time.
void require_same_program(const InspectedFile& file, const InspectedFile& dump) {
  const auto allocated = [](const InspectedFile& f) {
    std::vector<const Section*> out;
    for (const Section& s : f.elf.sections()) {
      if (s.allocated()) out.push_back(&s);
    }
    return out;
  };
  const auto a = allocated(file), b = allocated(dump);
  const auto fail = [&](const std::string& why) {
    dump.elf.fail(fmt::format("not a dump of {}: {}", file.elf.path(), why));
  };
  if (a.size() != b.size()) fail("different sections");
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i]->name != b[i]->name || a[i]->addr != b[i]->addr || a[i]->size != b[i]->size) {
      fail(fmt::format("section {} differs in name, address or size", a[i]->name));
    }
    // Only sections with file bytes are laid out: a NOBITS section in the
    // dump would leave the sites it should hold without bytes.
    if (a[i]->has_file_bytes() != b[i]->has_file_bytes()) {
      fail(fmt::format(
          "section {} has {} in the dump", a[i]->name,
          b[i]->has_file_bytes() ? "contents that the file lacks" : "no contents (NOBITS)"));
    }
    const bool table =
        a[i]->name == kSitesSection || a[i]->name == kAltsSection || a[i]->name == kReplSection;
    if (table && !same_bytes(file.elf.contents(*a[i]), dump.elf.contents(*b[i]))) {
      fail(fmt::format("section {} differs", a[i]->name));
    }
  }
}

// Whether `target` is the first byte of a function of the file.
bool starts_function(const hosted::SymbolTable& symbols, std::uint64_t target) {
  return std::any_of(symbols.symbols().begin(), symbols.symbols().end(),
                     [&](const hosted::Symbol& s) { return s.address == target; });
}

// A backend's inline code for a call alternative (backend.h), which only the
// backend can render: whole instructions, then exactly the engine's NOP
// fill. A branch in it (relocated code may call a slow path) must land inside
// the code, at its end, or at the start of a function of the file; nothing
// may address memory relative to RIP. Returns the code's length.
std::optional<std::size_t> inline_code(std::span<const std::uint8_t> bytes, std::uint64_t address,
                                       const hosted::SymbolTable& symbols) {
  for (std::size_t code = 0; code <= bytes.size(); ++code) {
    if (!same_bytes(bytes.subspan(code), nop_fill(bytes.size() - code))) continue;
    const Disassembly d = disassemble(bytes.first(code), address);
    if (!d.complete()) return std::nullopt;
    for (const Instruction& insn : d.instructions) {
      if (insn.rip_relative) return std::nullopt;
      const auto target = insn.branch_target;
      if (target && (*target < address || *target > address + code) &&
          !starts_function(symbols, *target)) {
        return std::nullopt;
      }
    }
    return code;
  }
  return std::nullopt;
}

// Which of its forms the site holds: the original, a Bytes alternative with
// its NOP fill, or a call alternative as a call (with or without its setup);
// failing those, a backend's inline code in place of a call alternative;
// nullopt if none.
std::optional<std::string> identify(const SiteRecord& site, std::span<const std::uint8_t> bytes,
                                    std::uint64_t address, const hosted::SymbolTable& symbols) {
  const SiteCopy original = copy_to_site(site, original_bytes(site));
  if (original.relocation.refusal == Refusal::None && same_bytes(bytes, original.bytes)) {
    return "original";
  }
  std::optional<std::string> call_label;
  for (std::size_t i = 0; const AltRecord& alt : alternatives(site)) {
    const std::string label = alternative_label(i++, alt);
    if (alt.kind == AltKind::Bytes) {
      const auto rendered = rendered_bytes(site, alt);
      if (rendered && same_bytes(bytes, *rendered)) return label;
      continue;
    }
    if (const auto target = call_target(site, alt, bytes, address)) {
      return fmt::format("{} -> {:#x}", label, *target);
    }
    if (const auto bare = call_target(site, alt, bytes, address, SiteCode::Form::BareCall)) {
      return fmt::format("{}:bare -> {:#x}", label, *bare);
    }
    if (!call_label) call_label = label;
  }
  if (call_label) {
    if (const auto code = inline_code(bytes, address, symbols)) {
      return fmt::format("{}:inline ({} bytes of backend code)", *call_label, *code);
    }
  }
  return std::nullopt;
}

}  // namespace

int run_diff(const DiffOptions& options, std::FILE* out) {
  return print_diff(InspectedFile(options.file), InspectedFile(options.dump), out);
}

int print_diff(const InspectedFile& file, const InspectedFile& dump, std::FILE* out) {
  require_same_program(file, dump);

  const SiteTable& table = file.image.table();
  std::size_t unidentified = 0;
  for (std::size_t i = 0; i < table.size(); ++i) {
    const Refusal refusal = validate_site(table, i);
    if (refusal != Refusal::None) {
      fmt::print(out, "{}: invalid record: {}\n", file.site_label(i), refusal_name(refusal));
      ++unidentified;
      continue;
    }
    const SiteRecord& site = table.sites_begin[i];
    const std::uint64_t address = file.site_address(i);
    const auto laid_out = dump.image.bytes_at(address, site.len);
    if (!laid_out) {
      dump.elf.fail(fmt::format("{}: no bytes in the dump at {:#x}", file.site_label(i), address));
    }
    const auto bytes = *laid_out;
    const auto form = identify(site, bytes, address, file.symbols);
    if (!form) ++unidentified;
    fmt::print(out, "{}: {}\n", file.site_label(i),
               form ? *form : "UNKNOWN bytes: neither the original nor an alternative");
    print_disassembly(out, disassemble(bytes, address), address);
  }
  if (table.size() == 0) {
    fmt::print(out, "{}: no altpv sites\n", file.elf.path());
  } else {
    fmt::print(out, "{}: {} sites, {} not identified\n", dump.elf.path(), table.size(),
               unidentified);
  }
  return unidentified == 0 ? kExitOk : kExitProblems;
}

}  // namespace altpv::inspect
