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
  while (!overrides.empty()) {
    // By hand: find() would need memchr, and substr() can throw.
    std::size_t comma = 0;
    while (comma < overrides.size() && overrides[comma] != ',') ++comma;
    const std::string_view raw(overrides.data(), comma);
    overrides.remove_prefix(comma < overrides.size() ? comma + 1 : comma);

    std::string_view item = trim(raw);
    if (item.empty()) continue;
    bool on = true;
    if (item.front() == '+' || item.front() == '-') {
      on = item.front() == '+';
      item.remove_prefix(1);
    }
    const NamedFeature* f = find_name(item);
    if (f == nullptr) {
      result.bad_item = raw;
      return result;
    }
    const std::uint64_t mask = std::uint64_t{1} << f->bit;
    if (on) {
      bits |= mask;
      result.forced |= mask;
      result.cleared &= ~mask;
    } else {
      bits &= ~mask;
      result.cleared |= mask;
      result.forced &= ~mask;
    }
  }
  result.ok = true;
  result.features = FeatureSet(bits);
  return result;
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
