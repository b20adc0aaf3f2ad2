// SPDX-License-Identifier: MIT
#include "msr_bank.h"

#include <array>

namespace altpv::vmm {
namespace {

constexpr std::array<std::uint32_t, kMsrSyntheticCount + 3> kIndices = {kMsrSyntheticBase + 0,
                                                                        kMsrSyntheticBase + 1,
                                                                        kMsrSyntheticBase + 2,
                                                                        kMsrSyntheticBase + 3,
                                                                        kMsrSyntheticBase + 4,
                                                                        kMsrSyntheticBase + 5,
                                                                        kMsrSyntheticBase + 6,
                                                                        kMsrSyntheticBase + 7,
                                                                        kMsrPat,
                                                                        kMsrKernelGsBase,
                                                                        kMsrTscAux};

bool IsSynthetic(std::uint32_t msr) {
  return msr - kMsrSyntheticBase < kMsrSyntheticCount;  // unsigned: below base wraps high
}

// SDM 11.12.2: memory types 2, 3 and >= 8 are reserved in every PAT entry.
bool ValidPat(std::uint64_t value) {
  for (int i = 0; i < 8; ++i) {
    std::uint64_t type = value >> (8 * i) & 0xff;
    if (type == 2 || type == 3 || type >= 8) return false;
  }
  return true;
}

// Bits 63:47 all equal (4-level paging).
bool Canonical(std::uint64_t value) {
  std::uint64_t top = value >> 47;
  return top == 0 || top == 0x1ffff;
}

}  // namespace

MsrBank::MsrBank(MsrLog log) : log_(std::move(log)) {}

bool MsrBank::Emulates(std::uint32_t msr) {
  return IsSynthetic(msr) || IsArchitectural(msr);
}

bool MsrBank::IsArchitectural(std::uint32_t msr) {
  return msr == kMsrPat || msr == kMsrKernelGsBase || msr == kMsrTscAux;
}

std::span<const std::uint32_t> MsrBank::Indices() {
  return kIndices;
}

bool MsrBank::ValidValue(std::uint32_t msr, std::uint64_t value) {
  switch (msr) {
    case kMsrPat:
      return ValidPat(value);
    case kMsrKernelGsBase:
      return Canonical(value);
    case kMsrTscAux:
      return value >> 32 == 0;
    default:
      return IsSynthetic(msr);
  }
}

std::optional<std::uint64_t> MsrBank::Read(std::uint32_t vcpu, std::uint32_t msr, ArchMsrs& arch,
                                           MsrPath path) {
  if (!Emulates(msr)) return std::nullopt;
  std::lock_guard lock(mutex_);
  std::uint64_t value = IsSynthetic(msr) ? synthetic_[msr - kMsrSyntheticBase] : arch.Get(msr);
  log_.Record(seq_++, vcpu, false, msr, value, path);
  return value;
}

bool MsrBank::Write(std::uint32_t vcpu, std::uint32_t msr, std::uint64_t value, ArchMsrs& arch,
                    MsrPath path) {
  if (!Emulates(msr) || !ValidValue(msr, value)) return false;
  std::lock_guard lock(mutex_);
  if (IsSynthetic(msr)) {
    synthetic_[msr - kMsrSyntheticBase] = value;
  } else {
    arch.Set(msr, value);
  }
  log_.Record(seq_++, vcpu, true, msr, value, path);
  return true;
}

std::map<std::uint32_t, std::uint64_t> MsrBank::Snapshot(ArchMsrs& arch) {
  std::lock_guard lock(mutex_);
  std::map<std::uint32_t, std::uint64_t> values;
  for (std::uint32_t msr : kIndices) {
    values[msr] = IsSynthetic(msr) ? synthetic_[msr - kMsrSyntheticBase] : arch.Get(msr);
  }
  return values;
}

}  // namespace altpv::vmm
