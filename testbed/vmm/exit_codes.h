// SPDX-License-Identifier: MIT
// Process exit codes of altpv-vmm (documented in docs/vmm.md).
#pragma once

namespace altpv::vmm::exit_code {

inline constexpr int kPass = 0;          // guest called Exit(0) and no test failed
inline constexpr int kGuestFailed = 1;   // Exit(non-zero), or a test failed
inline constexpr int kUsage = 2;         // bad options or a malformed guest ELF
inline constexpr int kGuestCrashed = 3;  // triple fault, fatal exit, bad port, ...
inline constexpr int kTimeout = 4;       // --timeout elapsed
inline constexpr int kVmmError = 5;      // a KVM call failed: a VMM/host problem
inline constexpr int kNoKvm = 77;        // /dev/kvm missing (ctest SKIP_RETURN_CODE)

}  // namespace altpv::vmm::exit_code
