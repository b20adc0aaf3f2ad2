// SPDX-License-Identifier: MIT
// Hypercall statuses as the VMM returns them in rax (abi.h HypercallError).
#pragma once

#include <cstdint>

#include "abi/abi.h"

namespace altpv::vmm::hypercall_status {

constexpr std::int64_t to_status(testbed::HypercallError e) {
  return static_cast<std::int64_t>(e);
}
inline constexpr std::int64_t kOk = to_status(testbed::HypercallError::Ok);
inline constexpr std::int64_t kBadNumber = to_status(testbed::HypercallError::BadNumber);
inline constexpr std::int64_t kBadPointer = to_status(testbed::HypercallError::BadPointer);
inline constexpr std::int64_t kBadMsr = to_status(testbed::HypercallError::BadMsr);
inline constexpr std::int64_t kBadState = to_status(testbed::HypercallError::BadState);
inline constexpr std::int64_t kNotPv = to_status(testbed::HypercallError::NotPv);
inline constexpr std::int64_t kBadArgument = to_status(testbed::HypercallError::BadArgument);

}  // namespace altpv::vmm::hypercall_status
