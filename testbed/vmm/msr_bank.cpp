// SPDX-License-Identifier: MIT
#include "msr_bank.h"

#include <array>

#include "guest_limits.h"

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

bool is_synthetic(std::uint32_t msr) {
  return msr - kMsrSyntheticBase < kMsrSyntheticCount;  // unsigned: below base wraps high
}

// SDM 11.12.2: memory types 2, 3 and >= 8 are reserved in every PAT entry.
bool valid_pat(std::uint64_t value) {
  for (int i = 0; i < 8; ++i) {
    std::uint64_t type = value >> (8 * i) & 0xff;
    if (type == 2 || type == 3 || type >= 8) return false;
  }
  return true;
}

// Bits 63:47 all equal (4-level paging).
bool canonical(std::uint64_t value) {
  std::uint64_t top = value >> 47;
  return top == 0 || top == 0x1ffff;
}

}  // namespace

MsrBank::MsrBank(MsrLog log) : log_(std::move(log)) {}

bool MsrBank::emulates(std::uint32_t msr) {
  return is_synthetic(msr) || is_architectural(msr);
}

bool MsrBank::is_architectural(std::uint32_t msr) {
  return msr == kMsrPat || msr == kMsrKernelGsBase || msr == kMsrTscAux;
}

std::span<const std::uint32_t> MsrBank::indices() {
  return kIndices;
}

bool MsrBank::valid_value(std::uint32_t msr, std::uint64_t value) {
  switch (msr) {
    case kMsrPat:
      return valid_pat(value);
    case kMsrKernelGsBase:
      return canonical(value);
    case kMsrTscAux:
      return value >> 32 == 0;
    default:
      return is_synthetic(msr);
  }
}

std::optional<std::uint64_t> MsrBank::read(std::uint32_t vcpu, std::uint32_t msr, ArchMsrs& arch,
                                           MsrPath path) {
  if (!emulates(msr)) return std::nullopt;
  std::lock_guard lock(mutex_);
  std::uint64_t value = is_synthetic(msr) ? synthetic_[msr - kMsrSyntheticBase] : arch.get(msr);
  if (seq_ < limits::kMsrLogLines) log_.record(seq_, vcpu, false, msr, value, path);
  ++seq_;
  return value;
}

bool MsrBank::write(std::uint32_t vcpu, std::uint32_t msr, std::uint64_t value, ArchMsrs& arch,
                    MsrPath path) {
  if (!emulates(msr) || !valid_value(msr, value)) return false;
  std::lock_guard lock(mutex_);
  if (is_synthetic(msr)) {
    synthetic_[msr - kMsrSyntheticBase] = value;
  } else {
    arch.set(msr, value);
  }
  if (seq_ < limits::kMsrLogLines) log_.record(seq_, vcpu, true, msr, value, path);
  ++seq_;
  return true;
}

std::map<std::uint32_t, std::uint64_t> MsrBank::snapshot(ArchMsrs& arch) {
  std::lock_guard lock(mutex_);
  std::map<std::uint32_t, std::uint64_t> values;
  for (std::uint32_t msr : kIndices) {
    values[msr] = is_synthetic(msr) ? synthetic_[msr - kMsrSyntheticBase] : arch.get(msr);
  }
  return values;
}

bool MsrBank::log_full() const {
  std::lock_guard lock(mutex_);
  return log_.enabled() && seq_ >= limits::kMsrLogLines;
}

bool MsrBank::log_failed() const {
  std::lock_guard lock(mutex_);
  return log_.failed();
}

}  // namespace altpv::vmm
