// SPDX-License-Identifier: MIT
#include "cpu_model.h"

#include <algorithm>
#include <array>
#include <cstring>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "abi/abi.h"

namespace altpv::vmm {
namespace {

namespace tb = altpv::testbed;

enum class Reg { Eax, Ebx, Ecx, Edx };

struct FeatureBit {
  CpuFeature feature;
  std::string_view name;
  std::uint32_t function, index;
  Reg reg;
  unsigned bit;
};

constexpr std::array<FeatureBit, 6> kFeatures = {{
    {CpuFeature::Wrmsrns, "wrmsrns", 7, 1, Reg::Eax, 19},
    {CpuFeature::MsrImm, "msr_imm", 7, 1, Reg::Ecx, 5},
    {CpuFeature::Serialize, "serialize", 7, 0, Reg::Edx, 14},
    {CpuFeature::Rdpid, "rdpid", 7, 0, Reg::Ecx, 22},
    {CpuFeature::Fsgsbase, "fsgsbase", 7, 0, Reg::Ebx, 0},
    {CpuFeature::Hypervisor, "hypervisor", 1, 0, Reg::Ecx, 31},
}};

const FeatureBit& BitOf(CpuFeature feature) {
  return *std::find_if(kFeatures.begin(), kFeatures.end(),
                       [&](const FeatureBit& f) { return f.feature == feature; });
}

template <typename Entry>
auto& RegOf(Entry& e, Reg reg) {
  switch (reg) {
    case Reg::Eax:
      return e.eax;
    case Reg::Ebx:
      return e.ebx;
    case Reg::Ecx:
      return e.ecx;
    case Reg::Edx:
      break;
  }
  return e.edx;
}

// Leaves whose subleaf (index) selects a different entry.
bool Indexed(std::uint32_t function) {
  return function == 4 || function == 7 || function == 0xb || function == 0xd || function == 0xf ||
         function == 0x10 || function == 0x12 || function == 0x14 || function == 0x1f ||
         function == 0x8000001d;
}

bool IsHypervisorLeaf(std::uint32_t function) {
  return function >= 0x40000000 && function <= 0x4fffffff;
}

}  // namespace

std::optional<CpuFeature> CpuFeatureByName(std::string_view name) {
  for (const FeatureBit& f : kFeatures) {
    if (f.name == name) return f.feature;
  }
  return std::nullopt;
}

CpuModel::CpuModel(std::vector<kvm_cpuid_entry2> supported) : entries_(std::move(supported)) {}

kvm_cpuid_entry2* CpuModel::Find(std::uint32_t function, std::uint32_t index) {
  auto it = std::find_if(entries_.begin(), entries_.end(), [&](const kvm_cpuid_entry2& e) {
    return e.function == function && (!Indexed(function) || e.index == index);
  });
  return it == entries_.end() ? nullptr : &*it;
}

const kvm_cpuid_entry2* CpuModel::Find(std::uint32_t function, std::uint32_t index) const {
  return const_cast<CpuModel*>(this)->Find(function, index);
}

kvm_cpuid_entry2& CpuModel::FindOrAdd(std::uint32_t function, std::uint32_t index) {
  if (kvm_cpuid_entry2* e = Find(function, index)) return *e;
  kvm_cpuid_entry2 e{};
  e.function = function;
  e.index = index;
  e.flags = Indexed(function) ? KVM_CPUID_FLAG_SIGNIFCANT_INDEX : 0;
  entries_.push_back(e);
  // A new subleaf of 7 is only visible if 7.0 EAX (max subleaf) reaches it.
  if (function == 7) {
    kvm_cpuid_entry2& leaf7 = FindOrAdd(7, 0);
    leaf7.eax = std::max(leaf7.eax, index);
  }
  kvm_cpuid_entry2& leaf0 = FindOrAdd(0, 0);
  if (!IsHypervisorLeaf(function) && function < 0x80000000) {
    leaf0.eax = std::max(leaf0.eax, function);
  }
  return *Find(function, index);
}

void CpuModel::Set(CpuFeature feature, bool on) {
  const FeatureBit& f = BitOf(feature);
  if (!on && Find(f.function, f.index) == nullptr) return;
  auto& reg = RegOf(FindOrAdd(f.function, f.index), f.reg);
  if (on) {
    reg |= 1u << f.bit;
  } else {
    reg &= ~(1u << f.bit);
  }
}

bool CpuModel::Has(CpuFeature feature) const {
  const FeatureBit& f = BitOf(feature);
  const kvm_cpuid_entry2* e = Find(f.function, f.index);
  return e != nullptr && (RegOf(*e, f.reg) >> f.bit & 1) != 0;
}

void CpuModel::ApplyPersonality(Personality personality) {
  std::erase_if(entries_, [](const kvm_cpuid_entry2& e) { return IsHypervisorLeaf(e.function); });
  Set(CpuFeature::Hypervisor, personality != Personality::None);
  if (personality != Personality::Pv) return;

  kvm_cpuid_entry2& base = FindOrAdd(tb::kPvBaseLeaf, 0);
  base.eax = tb::kPvMaxLeaf;
  std::memcpy(&base.ebx, tb::kPvSignature + 0, 4);
  std::memcpy(&base.ecx, tb::kPvSignature + 4, 4);
  std::memcpy(&base.edx, tb::kPvSignature + 8, 4);
  kvm_cpuid_entry2& features = FindOrAdd(tb::kPvBaseLeaf + 1, 0);
  features.eax = tb::kPvMsrHypercalls;
}

void CpuModel::ApplyOverrides(std::string_view overrides) {
  std::vector<std::pair<CpuFeature, bool>> changes;
  std::vector<std::string> unknown;
  while (!overrides.empty()) {
    std::size_t comma = overrides.find(',');
    std::string_view word = overrides.substr(0, comma);
    overrides = comma == std::string_view::npos ? "" : overrides.substr(comma + 1);
    if (word.empty()) continue;
    bool on = word.front() != '-';
    std::string_view name = word.front() == '+' || word.front() == '-' ? word.substr(1) : word;
    if (auto feature = CpuFeatureByName(name)) {
      changes.emplace_back(*feature, on);
    } else {
      unknown.emplace_back(word);
    }
  }
  if (!unknown.empty()) {
    std::string known;
    for (const FeatureBit& f : kFeatures) known += fmt::format(" {}", f.name);
    throw CpuModelError(
        fmt::format("unknown --cpu feature(s): {} (known:{})", fmt::join(unknown, ", "), known));
  }
  for (auto [feature, on] : changes) Set(feature, on);
}

void CpuModel::PublishMirror(std::vector<kvm_cpuid_entry2>& table) const {
  kvm_cpuid_entry2 leaf1 = Find(1, 0) ? *Find(1, 0) : kvm_cpuid_entry2{};
  kvm_cpuid_entry2 leaf7 = Find(7, 0) ? *Find(7, 0) : kvm_cpuid_entry2{};
  kvm_cpuid_entry2 leaf71 = Find(7, 1) ? *Find(7, 1) : kvm_cpuid_entry2{};
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

std::vector<kvm_cpuid_entry2> CpuModel::ForVcpu(std::uint32_t index) const {
  std::vector<kvm_cpuid_entry2> table = entries_;
  PublishMirror(table);
  for (kvm_cpuid_entry2& e : table) {
    if (e.function == 1) e.ebx = (e.ebx & 0x00ffffff) | (index << 24);  // initial APIC id
    if (e.function == 0xb || e.function == 0x1f) e.edx = index;         // x2APIC id
  }
  return table;
}

}  // namespace altpv::vmm
