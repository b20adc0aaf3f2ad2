// SPDX-License-Identifier: MIT
#include "guest_cpuid.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "abi/abi.h"

namespace altpv::vmm {
namespace {

namespace tb = altpv::testbed;

// The engine's CPUID location of a CPUID-derived feature, or nullptr for a
// synthetic one (PV), which no CPUID bit carries.
const CpuidBit* cpuid_bit_of(Feature feature) {
  for (const CpuidBit& b : cpuid_bits()) {
    if (b.feature == feature) return &b;
  }
  return nullptr;
}

// Leaves whose subleaf (index) selects a different entry.
bool indexed(std::uint32_t function) {
  return function == 4 || function == 7 || function == 0xb || function == 0xd || function == 0xf ||
         function == 0x10 || function == 0x12 || function == 0x14 || function == 0x1f ||
         function == 0x8000001d;
}

bool is_hypervisor_leaf(std::uint32_t function) {
  return function >= 0x40000000 && function <= 0x4fffffff;
}

std::string known_names() {
  std::vector<const char*> names;
  for (const CpuidBit& b : cpuid_bits())
    names.push_back(feature_name(static_cast<unsigned>(b.feature)));
  return fmt::format("{}", fmt::join(names, ", "));
}

// The engine's override parser stops at the first unknown item; resuming
// after it collects every one, so the error names them all.
std::vector<std::string> unknown_items(std::string_view overrides) {
  std::vector<std::string> unknown;
  for (;;) {
    const OverrideResult r = altpv::apply_overrides(FeatureSet{}, overrides);
    if (r.ok) return unknown;
    unknown.emplace_back(r.bad_item);
    overrides.remove_prefix(
        static_cast<std::size_t>(r.bad_item.data() + r.bad_item.size() - overrides.data()));
  }
}

}  // namespace

GuestCpuid::GuestCpuid(std::vector<kvm_cpuid_entry2> supported) : entries_(std::move(supported)) {}

kvm_cpuid_entry2* GuestCpuid::find(std::uint32_t function, std::uint32_t index) {
  auto it = std::find_if(entries_.begin(), entries_.end(), [&](const kvm_cpuid_entry2& e) {
    return e.function == function && (!indexed(function) || e.index == index);
  });
  return it == entries_.end() ? nullptr : &*it;
}

const kvm_cpuid_entry2* GuestCpuid::find(std::uint32_t function, std::uint32_t index) const {
  return const_cast<GuestCpuid*>(this)->find(function, index);
}

kvm_cpuid_entry2& GuestCpuid::find_or_add(std::uint32_t function, std::uint32_t index) {
  if (kvm_cpuid_entry2* e = find(function, index)) return *e;
  kvm_cpuid_entry2 e{};
  e.function = function;
  e.index = index;
  e.flags = indexed(function) ? KVM_CPUID_FLAG_SIGNIFCANT_INDEX : 0;
  entries_.push_back(e);
  // A new subleaf of 7 is only visible if 7.0 EAX (max subleaf) reaches it.
  if (function == 7) {
    kvm_cpuid_entry2& leaf7 = find_or_add(7, 0);
    leaf7.eax = std::max(leaf7.eax, index);
  }
  // Likewise a new leaf if its range's base leaf reaches it.
  if (!is_hypervisor_leaf(function)) {
    const std::uint32_t base = function & 0x80000000u;
    if (function != base) {
      kvm_cpuid_entry2& max = find_or_add(base, 0);
      max.eax = std::max(max.eax, function);
    }
  }
  return *find(function, index);
}

void GuestCpuid::set(Feature feature, bool on) {
  const CpuidBit& b = *cpuid_bit_of(feature);
  if (!on && find(b.leaf, b.subleaf) == nullptr) return;
  auto& reg = cpuid_reg(find_or_add(b.leaf, b.subleaf), b.reg);
  if (on) {
    reg |= 1u << b.bit;
  } else {
    reg &= ~(1u << b.bit);
  }
}

bool GuestCpuid::has(Feature feature) const {
  const CpuidBit* b = cpuid_bit_of(feature);
  if (b == nullptr) return false;
  const kvm_cpuid_entry2* e = find(b->leaf, b->subleaf);
  return e != nullptr && (cpuid_reg(*e, b->reg) >> b->bit & 1) != 0;
}

void GuestCpuid::apply_personality(Personality personality) {
  std::erase_if(entries_, [](const kvm_cpuid_entry2& e) { return is_hypervisor_leaf(e.function); });
  set(Feature::Hypervisor, personality != Personality::None);
  if (personality != Personality::Pv) return;

  kvm_cpuid_entry2& base = find_or_add(tb::kPvBaseLeaf, 0);
  base.eax = tb::kPvMaxLeaf;
  std::memcpy(&base.ebx, tb::kPvSignature + 0, 4);
  std::memcpy(&base.ecx, tb::kPvSignature + 4, 4);
  std::memcpy(&base.edx, tb::kPvSignature + 8, 4);
  kvm_cpuid_entry2& features = find_or_add(tb::kPvBaseLeaf + 1, 0);
  features.eax = tb::kPvMsrHypercalls | tb::kPvEvents;
}

void GuestCpuid::apply_overrides(std::string_view overrides) {
  const OverrideResult r = altpv::apply_overrides(FeatureSet{}, overrides);
  if (!r.ok) {
    throw CpuOverrideError(fmt::format("unknown --cpu feature(s): {} (known: {})",
                                       fmt::join(unknown_items(overrides), ", "), known_names()));
  }
  std::vector<std::string> synthetic;
  for (unsigned bit = 0; bit < ALTPV_FEATURE_COUNT; ++bit) {
    if (((r.forced | r.cleared) >> bit & 1) != 0 && feature_is_synthetic(bit)) {
      synthetic.emplace_back(feature_name(bit));
    }
  }
  if (!synthetic.empty()) {
    throw CpuOverrideError(fmt::format(
        "--cpu feature(s) {} are not CPUID bits (use --hv for the personality; known: {})",
        fmt::join(synthetic, ", "), known_names()));
  }
  for (const CpuidBit& b : cpuid_bits()) {
    const std::uint64_t mask = std::uint64_t{1} << static_cast<unsigned>(b.feature);
    if ((r.forced & mask) != 0) set(b.feature, true);
    if ((r.cleared & mask) != 0) set(b.feature, false);
  }
}

void GuestCpuid::publish_mirror(std::vector<kvm_cpuid_entry2>& table) const {
  kvm_cpuid_entry2 leaf1 = find(1, 0) ? *find(1, 0) : kvm_cpuid_entry2{};
  kvm_cpuid_entry2 leaf7 = find(7, 0) ? *find(7, 0) : kvm_cpuid_entry2{};
  kvm_cpuid_entry2 leaf71 = find(7, 1) ? *find(7, 1) : kvm_cpuid_entry2{};
  auto mirror = [&](std::uint32_t offset, const kvm_cpuid_entry2& from) {
    kvm_cpuid_entry2 e = from;
    e.function = tb::kCpuModelLeaf + offset;
    e.index = 0;
    e.flags = 0;
    table.push_back(e);
  };
  kvm_cpuid_entry2 head{};
  head.eax = tb::kCpuModelMagic;
  head.ebx = leaf1.ecx;
  head.ecx = leaf1.edx;
  mirror(0, head);
  mirror(1, leaf7);
  mirror(2, leaf71);
}

std::vector<kvm_cpuid_entry2> GuestCpuid::for_vcpu(std::uint32_t index) const {
  std::vector<kvm_cpuid_entry2> table = entries_;
  publish_mirror(table);
  for (kvm_cpuid_entry2& e : table) {
    if (e.function == 1) e.ebx = (e.ebx & 0x00ffffff) | (index << 24);  // initial APIC id
    if (e.function == 0xb || e.function == 0x1f) e.edx = index;         // x2APIC id
  }
  return table;
}

}  // namespace altpv::vmm
