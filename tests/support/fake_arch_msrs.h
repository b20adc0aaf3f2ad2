// SPDX-License-Identifier: MIT
// ArchMsrs backed by a map, standing in for a vCPU in the VMM's unit tests
// and fuzz targets.
#pragma once

#include <map>

#include "msr_bank.h"

namespace altpv::vmm {

class FakeArchMsrs final : public ArchMsrs {
 public:
  std::uint64_t get(std::uint32_t msr) override { return values[msr]; }
  void set(std::uint32_t msr, std::uint64_t value) override { values[msr] = value; }
  std::map<std::uint32_t, std::uint64_t> values;
};

}  // namespace altpv::vmm
