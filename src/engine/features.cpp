// SPDX-License-Identifier: MIT
#include "altpv/features.h"

#include "altpv/engine/text_buffer.h"

namespace altpv {
namespace {

// Names are string_views so their lengths are known at compile time: the
// freestanding engine has no strlen.
struct NamedFeature {
  unsigned bit;
  std::string_view name;
  bool synthetic;
};

constexpr NamedFeature kFeatures[] = {
    {ALTPV_FEATURE_WRMSRNS, "wrmsrns", false},     {ALTPV_FEATURE_MSR_IMM, "msr_imm", false},
    {ALTPV_FEATURE_SERIALIZE, "serialize", false}, {ALTPV_FEATURE_RDPID, "rdpid", false},
    {ALTPV_FEATURE_FSGSBASE, "fsgsbase", false},   {ALTPV_FEATURE_HYPERVISOR, "hypervisor", false},
    {ALTPV_FEATURE_RDTSCP, "rdtscp", false},       {ALTPV_FEATURE_PV, "pv", true},
};

const NamedFeature* find_bit(unsigned bit) {
  for (const auto& f : kFeatures) {
    if (f.bit == bit) return &f;
  }
  return nullptr;
}

const NamedFeature* find_name(std::string_view name) {
  for (const auto& f : kFeatures) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// One item of an override string: "+name", "-name" or "name".
struct OverrideItem {
  std::string_view raw;  // as written, between the commas
  bool on = true;
  const NamedFeature* feature = nullptr;  // nullptr: unknown name
};

// Takes the next non-empty item off the front of `rest`; false at the end.
bool next_item(std::string_view& rest, OverrideItem& item) {
  while (!rest.empty()) {
    // By hand: find() would need memchr, and substr() can throw.
    std::size_t comma = 0;
    while (comma < rest.size() && rest[comma] != ',') ++comma;
    item.raw = std::string_view(rest.data(), comma);
    rest.remove_prefix(comma < rest.size() ? comma + 1 : comma);

    std::string_view name = trim(item.raw);
    if (name.empty()) continue;
    item.on = true;
    if (name.front() == '+' || name.front() == '-') {
      item.on = name.front() == '+';
      name.remove_prefix(1);
    }
    item.feature = find_name(name);
    return true;
  }
  return false;
}

}  // namespace

const char* feature_name(unsigned bit) {
  const NamedFeature* f = find_bit(bit);
  return f != nullptr ? f->name.data() : nullptr;
}

bool feature_is_synthetic(unsigned bit) {
  const NamedFeature* f = find_bit(bit);
  return f != nullptr && f->synthetic;
}

OverrideResult apply_overrides(FeatureSet base, std::string_view overrides) {
  OverrideResult result;
  std::uint64_t bits = base.bits();
  for (OverrideItem item; next_item(overrides, item);) {
    if (item.feature == nullptr) {
      if (result.unknown_items++ == 0) result.bad_item = item.raw;
      continue;
    }
    const std::uint64_t mask = std::uint64_t{1} << item.feature->bit;
    if (item.on) {
      bits |= mask;
      result.forced |= mask;
      result.cleared &= ~mask;
    } else {
      bits &= ~mask;
      result.cleared |= mask;
      result.forced &= ~mask;
    }
  }
  result.ok = result.unknown_items == 0;
  if (result.ok) result.features = FeatureSet(bits);
  return result;
}

std::size_t format_override_error(std::string_view overrides, char* buf, std::size_t size) {
  std::size_t unknown = 0;
  OverrideItem item;
  for (std::string_view rest = overrides; next_item(rest, item);) {
    if (item.feature == nullptr) ++unknown;
  }
  TextBuffer out(buf, size);
  out.str(unknown == 1 ? "unknown feature " : "unknown features ");
  bool first = true;
  for (std::string_view rest = overrides; next_item(rest, item);) {
    if (item.feature != nullptr) continue;
    out.str(first ? "'" : ", '").str(trim(item.raw)).chr('\'');
    first = false;
  }
  out.str(" (valid: ");
  first = true;
  for (const auto& f : kFeatures) {
    if (!first) out.str(", ");
    out.str(f.name);
    first = false;
  }
  out.chr(')');
  return out.length();
}

std::size_t format_features(FeatureSet set, char* buf, std::size_t size) {
  TextBuffer out(buf, size);
  bool first = true;
  for (const auto& f : kFeatures) {
    if (!set.has_bit(f.bit)) continue;
    if (!first) out.chr(',');
    out.str(f.name);
    first = false;
  }
  return out.length();
}

}  // namespace altpv
