// SPDX-License-Identifier: MIT
// Where the guest runs, decided once by the entry that booted it, and every
// service that differs between the two places. Nothing else in the guest
// asks where it runs:
//   Testbed  altpv-vmm entered guest_entry (entry.S). Console, exit, test
//            verdicts and the vCPU index are hypercalls (testbed/abi/abi.h);
//            features come from the VMM's CPU model (cpu_model.h) and its
//            PV signature.
//   Pvh      a PVH loader (QEMU -kernel) entered pvh_entry (pvh_entry.S).
//            Console on COM1; exit through QEMU's isa-debug-exit device;
//            test verdicts as `test` records on the console
//            (docs/testbed.md); features from the CPUID instruction; the
//            vCPU index is the initial APIC ID. No hypercall, no testbed MSR.
#pragma once

#include <cstdint>
#include <string_view>

#include "altpv/features.h"

namespace altpv::guest {

enum class Platform : std::uint8_t { Testbed, Pvh };

Platform platform();
std::string_view platform_name(Platform p);  // "altpv-vmm", "pvh"

// What a test case needs beyond a CPU (test_registry.h).
enum class Requires : std::uint8_t {
  Nothing,
  Testbed,  // altpv-vmm's hypercalls, MSRs, CPU models or counting
  PvhBoot,  // a PVH start_info
  // #GP for an MSR the CPU lacks (and for values an MSR rejects). QEMU's
  // TCG raises neither, so on a PVH boot a probe decides.
  MsrFaults,
  // #GP for a reserved IA32_PAT memory type, which some KVMs accept: probed.
  ReservedPatFaults,
};
// Empty when this platform provides `what`; else what is missing, in words.
std::string_view missing(Requires what);

// The features boot patching starts from (before altpv.features=).
altpv::FeatureSet platform_features();

// Index of the calling vCPU (0 = the BSP).
std::uint32_t vcpu_index();

// Ends the guest: 0 when every selected case passed or skipped, 1 when one
// failed, 2 on a panic. Under QEMU the exit status is (code << 1) | 1.
[[noreturn]] void exit_guest(std::uint64_t code);

// The running test case's begin and verdict, for the host.
enum class TestVerdict : std::uint8_t { Pass, Fail, Skip };
void report_test_begin(std::string_view name);
// Does nothing when no case is running (a panic outside any case).
void report_test_end(TestVerdict verdict, std::string_view message);

}  // namespace altpv::guest
