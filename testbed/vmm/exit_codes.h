// SPDX-License-Identifier: MIT
// Process exit codes of altpv-vmm (docs/vmm.md lists every failure and its code).
#pragma once

namespace altpv::vmm::exit_code {

inline constexpr int kPass = 0;          // Exit(0), no test failed, --require-pass met
inline constexpr int kGuestFailed = 1;   // Exit(non-zero), a test failed, or --require-pass unmet
inline constexpr int kUsage = 2;         // bad options, guest ELF or output path, before the run
inline constexpr int kGuestCrashed = 3;  // triple fault, bad port, ..., or a VMM limit reached
inline constexpr int kTimeout = 4;       // --timeout elapsed
inline constexpr int kVmmError = 5;      // a KVM call failed, or an output could not be written
inline constexpr int kNoKvm = 77;        // /dev/kvm missing (ctest SKIP_RETURN_CODE)

}  // namespace altpv::vmm::exit_code
